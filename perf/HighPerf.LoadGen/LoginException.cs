namespace HighPerf.LoadGen;

/// <summary>A login that failed at a known step (tls, auth, bind, stream, register), counted per step in the report.</summary>
internal sealed class LoginException(string step, string detail) : Exception($"{step}: {detail}")
{
    public string Step { get; } = step;
}
