namespace HighPerf.Xmpp.Storage.Faster;

/// <summary>
/// First byte of every key: record kinds never collide, and a key alone says which layout its value has.
/// Values are persisted, so the numbers never change.
/// </summary>
internal enum RecordKind : byte
{
    Account = 1,
    RosterItem = 2,
    RosterBucket = 3,
    RosterState = 4,
    OfflineState = 5,
    OfflineMessage = 6,
    UserDocument = 7,
    UserDocumentIndex = 8,
    ArchiveState = 9,
    ArchiveEntry = 10,
    ArchivePeerState = 11,
    ArchivePeerEntry = 12,
    ArchivePeers = 13,
    PepNodeIndex = 14,
    PepNode = 15,
    PepItem = 16,
}
