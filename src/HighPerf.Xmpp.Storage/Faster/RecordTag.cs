namespace HighPerf.Xmpp.Storage.Faster;

/// <summary>
/// First byte of every value: its layout and layout version. A read that finds an unexpected tag reports
/// corruption instead of misreading bytes; a future layout gets a new tag and old ones stay readable.
/// </summary>
internal static class RecordTag
{
    public const byte AccountV1 = 0xA1;
    public const byte RosterItemV1 = 0xB1;
    public const byte RosterBucketV1 = 0xB2;
    public const byte RosterStateV1 = 0xB3;
    public const byte OfflineStateV1 = 0xC1;
    public const byte OfflineMessageV1 = 0xC2;
    public const byte UserDocumentV1 = 0xD1;
    public const byte UserDocumentIndexV1 = 0xD2;
    public const byte ArchiveStateV1 = 0xE1;
    public const byte ArchiveEntryV1 = 0xE2;
    public const byte ArchivePeerStateV1 = 0xE3;
    public const byte ArchivePeerEntryV1 = 0xE4;
    public const byte ArchivePeersV1 = 0xE5;
    public const byte PepNodeIndexV1 = 0xF1;
    public const byte PepNodeV1 = 0xF2;
    public const byte PepItemV1 = 0xF3;
}
