using HighPerf.Xmpp.Server.Configuration;

namespace HighPerf.Xmpp.EndToEnd.Tests.FileTransfer;

/// <summary>modules.proxy65, modules.upload and modules.extdisco: key-named errors and what enabling upload needs.</summary>
public sealed class FileTransferConfigTests
{
    [Theory]
    [InlineData("\"modules\": { \"enabled\": [ \"upload\" ] }", "http.enabled")]
    [InlineData("\"modules\": { \"upload\": { \"url\": \"ftp://example.org/upload\" } }", "modules.upload.url")]
    [InlineData("\"modules\": { \"upload\": { \"url\": \"https://example.org/upload?x=1\" } }", "modules.upload.url")]
    [InlineData("\"modules\": { \"upload\": { \"maxFileSize\": 0 } }", "modules.upload.maxFileSize")]
    [InlineData("\"modules\": { \"upload\": { \"expireAfterSeconds\": 0 } }", "modules.upload.expireAfterSeconds")]
    [InlineData("\"modules\": { \"upload\": { \"domain\": \"localhost\" } }", "modules.upload.domain")]
    [InlineData("\"modules\": { \"proxy65\": { \"listen\": \"nowhere\" } }", "modules.proxy65.listen")]
    [InlineData("\"modules\": { \"enabled\": [ \"proxy65\" ], \"proxy65\": { \"listen\": \"0.0.0.0:7777\" } }", "modules.proxy65.host")]
    [InlineData("\"modules\": { \"proxy65\": { \"maxTransfers\": 0 } }", "modules.proxy65.maxTransfers")]
    [InlineData("\"modules\": { \"proxy65\": { \"domain\": \"a@b\" } }", "modules.proxy65.domain")]
    [InlineData("\"modules\": { \"extdisco\": { \"services\": [ { \"type\": \"turn\", \"host\": \"\" } ] } }", "modules.extdisco.services[0].host")]
    [InlineData("\"modules\": { \"extdisco\": { \"services\": [ { \"type\": \"turn\", \"host\": \"t\", \"transport\": \"sctp\" } ] } }", "modules.extdisco.services[0].transport")]
    [InlineData("\"modules\": { \"extdisco\": { \"services\": [ { \"type\": \"turn\", \"host\": \"t\", \"secret\": \"\" } ] } }", "modules.extdisco.services[0].secret")]
    public void A_bad_file_transfer_option_is_refused_naming_its_key(string json, string key)
    {
        var path = Path.Combine(Path.GetTempPath(), "hpx-files-" + Guid.NewGuid().ToString("N") + ".json");
        File.WriteAllText(path, "{ \"listeners\": { \"client\": [ \"127.0.0.1:5222\" ], \"clientDirectTls\": [ \"127.0.0.1:5223\" ] }, " + json + " }");
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
    public void The_file_transfer_modules_are_off_by_default()
    {
        var modules = Server.Hosting.ModuleCatalog.DefaultNames;
        Assert.DoesNotContain("proxy65", modules);
        Assert.DoesNotContain("upload", modules);
        Assert.DoesNotContain("extdisco", modules);
    }
}
