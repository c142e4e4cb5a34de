namespace HighPerf.Xmpp.Transport.Tests;

public class ProjectBuildsTests
{
    [Fact]
    public void Assembly_loads() => Assert.NotNull(typeof(ProjectBuildsTests).Assembly);
}
