using System.Xml.Linq;

namespace HighPerf.Xmpp.TestKit.Scripts;

/// <summary>
/// Compares a received element with an expected one by structure: names and namespaces, attributes,
/// child elements in order, and text (trimmed; whitespace-only text is ignored). <see cref="Any"/> as an
/// attribute value or as the whole text matches any value. Attributes the script does not mention are
/// allowed only for the addressing attributes (id, from, to, xml:lang), whose values scripts often cannot know.
/// </summary>
public static class XmlShapeMatcher
{
    public const string Any = "{scansion:any}";

    private static readonly XName[] IgnorableWhenUnlisted = ["id", "from", "to", XNamespace.Xml + "lang"];

    /// <summary>Null when <paramref name="actual"/> matches, else where and how it differs.</summary>
    public static string? Mismatch(XElement expected, XElement actual) => Compare(expected, actual, "/" + Describe(expected.Name));

    private static string? Compare(XElement expected, XElement actual, string path)
    {
        if (expected.Name != actual.Name)
        {
            return $"{path}: expected element {Describe(expected.Name)}, got {Describe(actual.Name)}";
        }

        foreach (var attribute in expected.Attributes().Where(a => !a.IsNamespaceDeclaration))
        {
            var value = actual.Attribute(attribute.Name)?.Value;
            if (value is null)
            {
                return $"{path}: attribute {Describe(attribute.Name)} is missing";
            }

            if (attribute.Value != Any && attribute.Value != value)
            {
                return $"{path}: attribute {Describe(attribute.Name)} is '{value}', expected '{attribute.Value}'";
            }
        }

        foreach (var attribute in actual.Attributes().Where(a => !a.IsNamespaceDeclaration))
        {
            if (expected.Attribute(attribute.Name) is null && !IgnorableWhenUnlisted.Contains(attribute.Name))
            {
                return $"{path}: unexpected attribute {Describe(attribute.Name)}='{attribute.Value}'";
            }
        }

        var expectedText = DirectText(expected);
        var actualText = DirectText(actual);
        if (expectedText != Any && expectedText != actualText)
        {
            return $"{path}: text is '{actualText}', expected '{expectedText}'";
        }

        var expectedChildren = expected.Elements().ToList();
        var actualChildren = actual.Elements().ToList();
        for (var i = 0; i < Math.Max(expectedChildren.Count, actualChildren.Count); i++)
        {
            if (i >= expectedChildren.Count)
            {
                return $"{path}: unexpected child {Describe(actualChildren[i].Name)}";
            }

            if (i >= actualChildren.Count)
            {
                return $"{path}: child {Describe(expectedChildren[i].Name)} is missing";
            }

            var mismatch = Compare(expectedChildren[i], actualChildren[i], $"{path}/{Describe(expectedChildren[i].Name)}");
            if (mismatch is not null)
            {
                return mismatch;
            }
        }

        return null;
    }

    private static string DirectText(XElement element)
        => string.Concat(element.Nodes().OfType<XText>().Select(t => t.Value)).Trim();

    private static string Describe(XName name)
        => name.Namespace == XNamespace.None ? name.LocalName : $"{{{name.NamespaceName}}}{name.LocalName}";
}
