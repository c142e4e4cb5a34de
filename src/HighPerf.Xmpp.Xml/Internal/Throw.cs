using System.Diagnostics.CodeAnalysis;

namespace HighPerf.Xmpp.Xml.Internal;

/// <summary>Cold throw paths, kept out of the callers so that they stay small enough to inline.</summary>
internal static class Throw
{
    [DoesNotReturn]
    public static void InvalidOperation(string message) => throw new InvalidOperationException(message);
}
