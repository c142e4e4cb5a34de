using System.Text;
using System.Text.RegularExpressions;

namespace HighPerf.Xmpp.TestKit.Scripts;

/// <summary>
/// Reads the scansion-like script format: a header of <c>[Client] Name</c> blocks, a line of dashes, then
/// unindented action lines, each optionally followed by an indented XML block.
/// </summary>
public static partial class ScriptParser
{
    public static ConversationScript Parse(string name, string text)
    {
        var lines = text.Replace("\r\n", "\n", StringComparison.Ordinal).Split('\n');
        var clients = new List<ScriptClient>();
        var title = "";
        var at = 0;
        string? client = null;
        var fields = new Dictionary<string, string>(StringComparer.Ordinal);

        void EndClient()
        {
            if (client is null)
            {
                return;
            }

            if (!fields.TryGetValue("jid", out var jid) || !fields.TryGetValue("password", out var password))
            {
                throw new FormatException($"{name}: [Client] {client} needs jid and password lines.");
            }

            clients.Add(new ScriptClient(client, jid, password, fields.GetValueOrDefault("resource")));
            client = null;
            fields.Clear();
        }

        for (; at < lines.Length; at++)
        {
            var line = lines[at];
            if (line.StartsWith("---", StringComparison.Ordinal))
            {
                at++;
                break;
            }

            if (line.StartsWith('#'))
            {
                title = title.Length == 0 ? line.TrimStart('#').Trim() : title;
            }
            else if (line.StartsWith("[Client]", StringComparison.Ordinal))
            {
                EndClient();
                client = line["[Client]".Length..].Trim();
            }
            else if (line.Length > 0 && char.IsWhiteSpace(line[0]) && line.Trim().Length > 0)
            {
                var colon = line.IndexOf(':', StringComparison.Ordinal);
                if (client is null || colon < 0)
                {
                    throw new FormatException($"{name} line {at + 1}: expected 'key: value' inside a [Client] block.");
                }

                fields[line[..colon].Trim()] = line[(colon + 1)..].Trim();
            }
            else if (line.Trim().Length > 0)
            {
                throw new FormatException($"{name} line {at + 1}: unexpected header line '{line}'.");
            }
        }

        EndClient();
        return new ConversationScript(name, title, clients, ParseSteps(name, lines, at));
    }

    private static List<ScriptStep> ParseSteps(string name, string[] lines, int at)
    {
        var steps = new List<ScriptStep>();
        while (at < lines.Length)
        {
            var line = lines[at];
            if (line.Trim().Length == 0 || line.StartsWith('#'))
            {
                at++;
                continue;
            }

            if (char.IsWhiteSpace(line[0]))
            {
                throw new FormatException($"{name} line {at + 1}: indented text without a 'sends:' or 'receives:' line before it.");
            }

            var match = ActionPattern().Match(line.TrimEnd());
            if (!match.Success)
            {
                throw new FormatException($"{name} line {at + 1}: unknown action '{line}'.");
            }

            var kind = match.Groups["action"].Value switch
            {
                "connects" => ScriptStepKind.Connects,
                "sends:" => ScriptStepKind.Sends,
                "receives:" => ScriptStepKind.Receives,
                "receives nothing" => ScriptStepKind.ReceivesNothing,
                "disconnects" => ScriptStepKind.Disconnects,
                _ => ScriptStepKind.IsDisconnected,
            };
            var stepLine = at + 1;
            at++;
            var xml = new StringBuilder();
            while (at < lines.Length && (lines[at].Trim().Length == 0 || char.IsWhiteSpace(lines[at][0])))
            {
                xml.Append(lines[at].Trim()).Append('\n');
                at++;
            }

            var block = xml.ToString().Trim();
            if ((kind is ScriptStepKind.Sends or ScriptStepKind.Receives) != (block.Length > 0))
            {
                throw new FormatException($"{name} line {stepLine}: '{match.Groups["action"].Value}' {(block.Length > 0 ? "takes no" : "needs an indented")} XML block.");
            }

            steps.Add(new ScriptStep(kind, match.Groups["client"].Value, block, stepLine));
        }

        return steps;
    }

    [GeneratedRegex("^(?<client>.+?) (?<action>connects|sends:|receives:|receives nothing|disconnects|is disconnected)$")]
    private static partial Regex ActionPattern();
}
