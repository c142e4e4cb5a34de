namespace HighPerf.Xmpp.TestKit;

internal static class TestKitMarker;
