namespace HighPerf.Xmpp.Modules.Mam;

/// <summary>Options of the XEP-0313 archive (config section modules.mam).</summary>
public sealed record MamOptions
{
    /// <summary>What is archived for a user who never set preferences.</summary>
    public ArchiveDefault DefaultPreference { get; init; } = ArchiveDefault.Always;

    /// <summary>Results per page when the query asks for no &lt;max/&gt;.</summary>
    public int DefaultPageSize { get; init; } = 50;

    /// <summary>Most results per page (a larger &lt;max/&gt; is lowered to it).</summary>
    public int MaxPageSize { get; init; } = 250;

    /// <summary>Archived messages older than this are forgotten and their log space reclaimed; zero keeps them forever.</summary>
    public TimeSpan Retention { get; init; }

    /// <summary>How often retention runs (the first run comes one interval after start).</summary>
    public TimeSpan RetentionSweepInterval { get; init; } = TimeSpan.FromHours(1);

    /// <summary>The clock that stamps archived messages and decides retention (tests move it).</summary>
    public TimeProvider Clock { get; init; } = TimeProvider.System;
}
