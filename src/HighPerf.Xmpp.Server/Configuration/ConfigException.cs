namespace HighPerf.Xmpp.Server.Configuration;

/// <summary>A configuration value is wrong; the message names the key.</summary>
public sealed class ConfigException(string message) : Exception(message);
