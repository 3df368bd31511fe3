using DropoutService.Engine.Randomness;

namespace DropoutService.Engine.Data;

/// <summary>A train/test split that keeps each class's proportion in both parts.</summary>
public static class StratifiedSplit
{
    /// <summary>
    /// Splits row indices by class. The test part has ceil(n · testFraction) rows in all (as
    /// scikit-learn counts them), shared among the classes in proportion to their sizes (largest
    /// remainders get the leftover rows); within a class the rows are chosen at random from
    /// <paramref name="seed"/>. Both index lists are sorted ascending.
    /// </summary>
    public static (int[] Train, int[] Test) Split(int[] labels, float testFraction, ulong seed)
    {
        if (!(testFraction >= 0f && testFraction < 1f))
        {
            throw new ArgumentOutOfRangeException(nameof(testFraction), testFraction, "Test fraction must be in [0, 1).");
        }
        var classes = labels.Select((label, index) => (label, index)).GroupBy(x => x.label).OrderBy(g => g.Key)
            .Select(g => g.Select(x => x.index).ToArray()).ToArray();
        int total = labels.Length;
        int testTotal = (int)Math.Ceiling(total * (double)testFraction);

        // Proportional shares: floors first, then the leftover rows by largest remainder.
        var shares = new int[classes.Length];
        var remainders = new (double Remainder, int Class)[classes.Length];
        for (int c = 0; c < classes.Length; c++)
        {
            double exact = classes[c].Length * (double)testTotal / total;
            shares[c] = (int)Math.Floor(exact);
            remainders[c] = (exact - shares[c], c);
        }
        int leftover = testTotal - shares.Sum();
        foreach (var (_, c) in remainders.OrderByDescending(r => r.Remainder).ThenBy(r => r.Class).Take(leftover))
        {
            shares[c]++;
        }

        var rng = new SplitMix64(seed);
        var train = new List<int>(total);
        var test = new List<int>(testTotal);
        for (int c = 0; c < classes.Length; c++)
        {
            int[] rows = classes[c];
            rng.Shuffle(rows);
            test.AddRange(rows[..shares[c]]);
            train.AddRange(rows[shares[c]..]);
        }
        train.Sort();
        test.Sort();
        return (train.ToArray(), test.ToArray());
    }
}
