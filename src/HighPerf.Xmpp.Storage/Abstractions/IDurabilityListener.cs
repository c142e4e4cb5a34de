namespace HighPerf.Xmpp.Storage.Abstractions;

/// <summary>
/// Told once that a log position it asked about is durable (<see cref="IArchiveStore.NotifyWhenDurable"/>). Runs on
/// the store's commit thread: an implementation only hands the news on (schedules work elsewhere) and returns.
/// </summary>
public interface IDurabilityListener
{
    void OnDurable();
}
