using HighPerf.Xmpp.Xml.Reader;

namespace HighPerf.Xmpp.Modules.DataForms;

/// <summary>
/// Reads a data form a client sent (XEP-0004): its type, its FORM_TYPE and its fields' values, all as spans into
/// the stanza; values are decoded (references resolved) into caller-given space. Valid only while the stanza is.
/// </summary>
public readonly ref struct DataForm
{
    public static ReadOnlySpan<byte> Namespace => "jabber:x:data"u8;

    private readonly XmlElementReader _form;

    private DataForm(XmlElementReader form)
    {
        _form = form;
    }

    /// <summary>The form's type attribute (form, submit, cancel, result), raw.</summary>
    public ReadOnlySpan<byte> Type => _form.TryGetAttribute("type"u8, out var type) ? type : default;

    /// <summary>Finds the first &lt;x xmlns='jabber:x:data'/&gt; child of <paramref name="parent"/>.</summary>
    public static bool TryFind(XmlElementReader parent, out DataForm form)
    {
        if (parent.TryGetChild("x"u8, Namespace, out var x))
        {
            form = new DataForm(x);
            return true;
        }

        form = default;
        return false;
    }

    /// <summary>True when the hidden FORM_TYPE field holds <paramref name="formType"/> (XEP-0068).</summary>
    public bool HasFormType(ReadOnlySpan<byte> formType)
    {
        Span<byte> value = stackalloc byte[256];
        return TryGetValue("FORM_TYPE"u8, value, out var written) && value[..written].SequenceEqual(formType);
    }

    public bool TryGetField(ReadOnlySpan<byte> name, out XmlElementReader field)
    {
        foreach (var child in _form.GetChildren())
        {
            if (child.Is("field"u8, Namespace) && child.TryGetAttribute("var"u8, out var var) && var.SequenceEqual(name))
            {
                field = child;
                return true;
            }
        }

        field = default;
        return false;
    }

    /// <summary>
    /// The decoded text of the field's first &lt;value/&gt;. False when the field or its value is missing, or the
    /// value does not fit in <paramref name="destination"/> (size it with <see cref="GetValueLength"/>).
    /// </summary>
    public bool TryGetValue(ReadOnlySpan<byte> name, Span<byte> destination, out int written)
    {
        written = 0;
        return TryGetField(name, out var field)
            && field.TryGetChild("value"u8, Namespace, out var value)
            && value.GetTextLength() <= destination.Length
            && value.TryGetText(destination, out written);
    }

    /// <summary>An upper bound of the decoded length of the field's first value; -1 when it has none.</summary>
    public int GetValueLength(ReadOnlySpan<byte> name)
        => TryGetField(name, out var field) && field.TryGetChild("value"u8, Namespace, out var value) ? value.GetTextLength() : -1;

    /// <summary>Number of &lt;value/&gt; elements of a (multi-valued) field; 0 when absent.</summary>
    public int CountValues(ReadOnlySpan<byte> name)
    {
        if (!TryGetField(name, out var field))
        {
            return 0;
        }

        var count = 0;
        foreach (var child in field.GetChildren())
        {
            if (child.Is("value"u8, Namespace))
            {
                count++;
            }
        }

        return count;
    }
}
