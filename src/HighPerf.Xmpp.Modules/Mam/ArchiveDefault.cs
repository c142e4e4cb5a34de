namespace HighPerf.Xmpp.Modules.Mam;

/// <summary>XEP-0313 §6.1 'default' preference: which messages with JIDs in neither list are archived.</summary>
public enum ArchiveDefault : byte
{
    Always = 0,
    Never = 1,
    /// <summary>Only messages with contacts in the user's roster.</summary>
    Roster = 2,
}
