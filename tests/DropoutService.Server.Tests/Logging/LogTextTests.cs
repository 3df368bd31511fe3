using DropoutService.Server.Logging;

namespace DropoutService.Server.Tests.Logging;

public sealed class LogTextTests
{
    [Theory]
    [InlineData("digits-2", "digits-2")]
    [InlineData("a\nb", @"a\nb")]
    [InlineData("a\r\nb\tc", @"a\r\nb\tc")]
    [InlineData("x\u001b[31mred", @"x\u001b[31mred")]
    [InlineData("c1\u009bcontrol", @"c1\u009bcontrol")]
    [InlineData("line\u2028sep", @"line\u2028sep")]
    [InlineData("rtl\u202eoverride", @"rtl\u202eoverride")]
    [InlineData(@"back\slash", @"back\\slash")]
    [InlineData("caf\u00e9 \u4e2d", "caf\u00e9 \u4e2d")]
    public void Escape_ControlCharacters_BecomeVisibleEscapes(string input, string expected)
    {
        Assert.Equal(expected, LogText.Escape(input, 100));
    }

    [Fact]
    public void Escape_LongText_TruncatedWithTheCountLeftOut()
    {
        string escaped = LogText.Escape(new string('a', 10_000), 100)!;

        Assert.Equal(new string('a', 100) + "…[+9900 chars]", escaped);
    }

    [Fact]
    public void EscapeControls_AlreadyEscapedText_IsNotEscapedTwice()
    {
        string once = LogText.Escape("a\nb", 100)!;

        Assert.Equal(once, LogText.EscapeControls(once, 100));
        Assert.Same("plain", LogText.Escape("plain", 100));
    }
}
