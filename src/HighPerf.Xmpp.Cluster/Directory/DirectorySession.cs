namespace HighPerf.Xmpp.Cluster.Directory;

/// <summary>One bound session as the directory lists it: its resource, the node it is on, and what its last
/// presence said (RFC 6121 §4.7.2.3 priority; available = sent initial presence and not gone unavailable since).</summary>
public readonly record struct DirectorySession(byte[] Resource, string NodeId, int Priority, bool Available);
