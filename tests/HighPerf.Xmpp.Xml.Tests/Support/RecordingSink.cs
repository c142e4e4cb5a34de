using HighPerf.Xmpp.Xml.Tokenizer;

namespace HighPerf.Xmpp.Xml.Tests.Support;

public struct RecordingSink : IXmlStreamSink
{
    private readonly EventLog _log;

    public RecordingSink(EventLog log) => _log = log;

    public bool OnStreamOpen(in StreamHeader header)
    {
        _log.NoteRaw(header.Raw);
        _log.Add(EventLog.Describe(header));
        if (_log.Detailed)
        {
            _log.Captured.Add(Support.Captured.From(header));
        }

        return _log.Continue();
    }

    public bool OnElement(in XmlElement element)
    {
        _log.NoteRaw(element.Raw);
        _log.Add(EventLog.Describe(element));
        if (_log.Detailed)
        {
            _log.Captured.Add(Support.Captured.From(element));
        }

        return _log.Continue();
    }

    public bool OnStreamClose()
    {
        _log.Add("close");
        _log.Captured.Add(new Captured("close", [], "", "", "", -1, -1, false, new Dictionary<string, AttributeRange>()));
        return _log.Continue();
    }
}
