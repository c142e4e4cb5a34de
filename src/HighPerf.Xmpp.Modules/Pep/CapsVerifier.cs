using System.Diagnostics.CodeAnalysis;
using System.Security.Cryptography;
using System.Text;
using HighPerf.Xmpp.Xml.Reader;

namespace HighPerf.Xmpp.Modules.Pep;

/// <summary>
/// XEP-0115 §5.1/§5.4: rebuilds the verification string of a disco#info answer (identities, features, extended
/// forms, each sorted by octets) and hashes it, so that a client cannot poison the cache entry of a 'ver' it does
/// not own. Only sha-1 and sha-256 are known.
/// </summary>
internal static class CapsVerifier
{
    /// <summary>
    /// The answer's features, or null when the answer is malformed (§5.4: duplicate features, a form without a
    /// single hidden FORM_TYPE); <paramref name="verified"/> says whether it hashes to <paramref name="ver"/>.
    /// </summary>
    [SuppressMessage("Security", "CA5350:Do Not Use Weak Cryptographic Algorithms", Justification = "XEP-0115 names sha-1 as the hash every client uses; it identifies feature sets, it protects no secret.")]
    public static HashSet<string>? Verify(XmlElementReader query, string hash, string ver, out bool verified)
    {
        verified = false;
        var identities = new List<string>();
        var features = new List<string>();
        var forms = new List<(string FormType, string Text)>();
        foreach (var child in query.GetChildren())
        {
            if (child.Is("identity"u8, PepNames.DiscoInfoNs))
            {
                identities.Add(CapsText.Attribute(child, "category"u8) + "/" + CapsText.Attribute(child, "type"u8) + "/"
                    + (child.TryGetAttribute("lang"u8, "http://www.w3.org/XML/1998/namespace"u8, out var lang) ? CapsText.Decode(lang) : "")
                    + "/" + CapsText.Attribute(child, "name"u8) + "<");
            }
            else if (child.Is("feature"u8, PepNames.DiscoInfoNs))
            {
                features.Add(CapsText.Attribute(child, "var"u8));
            }
            else if (child.Is("x"u8, "jabber:x:data"u8))
            {
                if (FormText(child) is not { } form)
                {
                    return null; // §5.4 3.6: a form without a hidden FORM_TYPE makes the answer unusable
                }

                forms.Add(form);
            }
        }

        if (features.Count != new HashSet<string>(features, StringComparer.Ordinal).Count)
        {
            return null; // §5.4 3.4: duplicate features
        }

        identities.Sort(StringComparer.Ordinal);
        features.Sort(StringComparer.Ordinal);
        forms.Sort((a, b) => string.CompareOrdinal(a.FormType, b.FormType));
        var text = new StringBuilder();
        foreach (var identity in identities)
        {
            text.Append(identity);
        }

        foreach (var feature in features)
        {
            text.Append(feature).Append('<');
        }

        foreach (var form in forms)
        {
            text.Append(form.Text);
        }

        var bytes = Encoding.UTF8.GetBytes(text.ToString());
        var digest = hash switch
        {
            "sha-1" => SHA1.HashData(bytes),
            "sha-256" => SHA256.HashData(bytes),
            _ => null,
        };
        verified = digest is not null && Convert.ToBase64String(digest) == ver;
        return new HashSet<string>(features, StringComparer.Ordinal);
    }

    private static (string FormType, string Text)? FormText(XmlElementReader form)
    {
        string? formType = null;
        var fields = new List<(string Var, List<string> Values)>();
        foreach (var field in form.GetChildren())
        {
            if (!field.Is("field"u8, "jabber:x:data"u8))
            {
                continue;
            }

            var name = CapsText.Attribute(field, "var"u8);
            var values = new List<string>();
            foreach (var value in field.GetChildren())
            {
                if (value.Is("value"u8, "jabber:x:data"u8))
                {
                    values.Add(CapsText.Text(value));
                }
            }

            if (name == "FORM_TYPE")
            {
                if (formType is not null || values.Count != 1)
                {
                    return null;
                }

                formType = values[0];
            }
            else
            {
                values.Sort(StringComparer.Ordinal);
                fields.Add((name, values));
            }
        }

        if (formType is null)
        {
            return null;
        }

        fields.Sort((a, b) => string.CompareOrdinal(a.Var, b.Var));
        var text = new StringBuilder(formType).Append('<');
        foreach (var (name, values) in fields)
        {
            text.Append(name).Append('<');
            foreach (var value in values)
            {
                text.Append(value).Append('<');
            }
        }

        return (formType, text.ToString());
    }
}
