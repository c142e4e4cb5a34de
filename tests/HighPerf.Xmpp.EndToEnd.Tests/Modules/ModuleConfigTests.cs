using HighPerf.Xmpp.Server.Configuration;
using HighPerf.Xmpp.Server.Hosting;

namespace HighPerf.Xmpp.EndToEnd.Tests.Modules;

/// <summary>The modules.* sections of the JSON configuration: defaults, binding, and key-named errors.</summary>
public sealed class ModuleConfigTests
{
    [Theory]
    [InlineData("\"enabled\": [ \"roster\", \"compression\" ]", "modules.compression.listeners")]
    [InlineData("\"compression\": { \"listeners\": [ \"127.0.0.1:5222\" ] }", "modules.compression.listeners")]
    [InlineData("\"enabled\": [ \"compression\" ], \"compression\": { \"listeners\": [ \"127.0.0.1:9999\" ] }", "modules.compression.listeners[0]")]
    [InlineData("\"enabled\": [ \"compression\" ], \"compression\": { \"listeners\": [ \"127.0.0.1:5222\" ], \"windowBits\": 16 }", "modules.compression.windowBits")]
    [InlineData("\"compression\": { \"level\": 0 }", "modules.compression.level")]
    [InlineData("\"register\": { \"maxAttemptsPerAddress\": 0 }", "modules.register.maxAttemptsPerAddress")]
    [InlineData("\"register\": { \"minPasswordLength\": 0 }", "modules.register.minPasswordLength")]
    [InlineData("\"register\": { \"windowSeconds\": -1 }", "modules.register.windowSeconds")]
    [InlineData("\"disco\": { \"contactAddresses\": { \"pager\": [ \"tel:123\" ] } }", "modules.disco.contactAddresses")]
    [InlineData("\"disco\": { \"contactAddresses\": { \"admin\": [ \"not a uri\" ] } }", "modules.disco.contactAddresses.admin[0]")]
    [InlineData("\"disco\": { \"items\": [ \"a@b@c\" ] }", "modules.disco.items[0]")]
    [InlineData("\"disco\": { \"serverName\": \" \" }", "modules.disco.serverName")]
    [InlineData("\"version\": { \"name\": \"\" }", "modules.version.name")]
    [InlineData("\"register\": { \"allowRegistraton\": true }", "allowRegistraton")]
    public void A_bad_module_option_is_refused_naming_its_key(string modulesJson, string key)
    {
        var path = WriteConfig(modulesJson);
        try
        {
            var error = Assert.Throws<ConfigException>(() => ConfigLoader.Load(path));
            Assert.Contains(key, error.Message, StringComparison.Ordinal);
        }
        finally
        {
            File.Delete(path);
        }
    }

    [Fact]
    public void Module_options_bind_from_json_and_reach_the_catalog()
    {
        var path = WriteConfig(
            "\"enabled\": [ \"disco\", \"register\", \"compression\" ], "
            + "\"compression\": { \"listeners\": [ \"127.0.0.1:5222\" ], \"level\": 1, \"windowBits\": 10, \"memLevel\": 3 }, "
            + "\"register\": { \"allowRegistration\": false, \"minPasswordLength\": 12 }, "
            + "\"disco\": { \"serverName\": \"Example\", \"contactAddresses\": { \"admin\": [ \"xmpp:admin@localhost\" ] } }");
        try
        {
            var config = ConfigLoader.Load(path);
            Assert.Equal(10, config.Modules.Compression.WindowBits);
            Assert.False(config.Modules.Register.AllowRegistration);
            Assert.Equal(12, config.Modules.Register.MinPasswordLength);
            Assert.Equal("xmpp:admin@localhost", config.Modules.Disco.ContactAddresses["admin"].Single());
            Assert.Equal(["disco", "register", "compression"], ModuleCatalog.Create(config).Select(m => m.Name));
        }
        finally
        {
            File.Delete(path);
        }
    }

    [Fact]
    public void The_default_module_set_leaves_registration_and_compression_off()
    {
        var names = ModuleCatalog.Create(new ServerConfig()).Select(m => m.Name).ToList();
        Assert.Equal(["roster", "presence", "offline", "disco", "ping", "version", "time", "last", "vcard", "private", "blocking", "mam", "pep", "carbons", "csi", "muc", "sm", "push"], names);
    }

    private static string WriteConfig(string modulesJson)
    {
        var path = Path.Combine(Path.GetTempPath(), "hpx-modules-" + Guid.NewGuid().ToString("N") + ".json");
        File.WriteAllText(path, "{ \"listeners\": { \"client\": [ \"127.0.0.1:5222\" ], \"clientDirectTls\": [ \"127.0.0.1:5223\" ] }, \"modules\": { " + modulesJson + " } }");
        return path;
    }
}
