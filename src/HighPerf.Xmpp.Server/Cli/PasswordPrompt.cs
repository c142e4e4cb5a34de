namespace HighPerf.Xmpp.Server.Cli;

/// <summary>Reads a password without echoing it when a terminal is attached, or one line from a pipe.</summary>
internal static class PasswordPrompt
{
    public static string? Read(string prompt)
    {
        if (Console.IsInputRedirected)
        {
            return Console.ReadLine();
        }

        Console.Error.Write(prompt);
        var chars = new List<char>();
        while (true)
        {
            var key = Console.ReadKey(intercept: true);
            if (key.Key == ConsoleKey.Enter)
            {
                Console.Error.WriteLine();
                return new string(chars.ToArray());
            }

            if (key.Key == ConsoleKey.Backspace)
            {
                if (chars.Count > 0)
                {
                    chars.RemoveAt(chars.Count - 1);
                }
            }
            else if (!char.IsControl(key.KeyChar))
            {
                chars.Add(key.KeyChar);
            }
        }
    }
}
