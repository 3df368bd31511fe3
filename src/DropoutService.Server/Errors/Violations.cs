namespace DropoutService.Server.Errors;

/// <summary>Collects field violations while a request is checked, then throws them together.</summary>
public sealed class Violations
{
    private readonly List<FieldViolation> _items = [];

    public bool Any => _items.Count > 0;

    public void Add(string field, string description) => _items.Add(new FieldViolation(field, description));

    /// <summary>Adds a violation when <paramref name="condition"/> is false; returns the condition.</summary>
    public bool Check(bool condition, string field, string description)
    {
        if (!condition)
        {
            Add(field, description);
        }
        return condition;
    }

    public void ThrowIfAny()
    {
        if (_items.Count > 0)
        {
            throw new RequestValidationException(_items.ToArray());
        }
    }
}
