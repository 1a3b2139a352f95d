using System.Formats.Asn1;
using System.Security.Cryptography.X509Certificates;
using System.Text;

namespace NatsSharp.Server.Tls;

/// <summary>
/// The names verify_and_map looks users up by, in nats-server's order: e-mail addresses, DNS
/// names, URIs, then the subject written the way Go prints it ("CN=alice,OU=ops,O=Acme,C=US").
/// </summary>
internal static class CertificateNames
{
    // Go's pkix.Name.String(): these attributes, most specific first, with its short names.
    private static readonly (string Oid, string Name)[] SubjectOrder =
    [
        ("2.5.4.5", "SERIALNUMBER"),
        ("2.5.4.3", "CN"),
        ("2.5.4.11", "OU"),
        ("2.5.4.10", "O"),
        ("2.5.4.17", "POSTALCODE"),
        ("2.5.4.9", "STREET"),
        ("2.5.4.7", "L"),
        ("2.5.4.8", "ST"),
        ("2.5.4.6", "C"),
    ];

    public static IReadOnlyList<string> Of(X509Certificate2 certificate)
    {
        var names = new List<string>();
        var emails = new List<string>();
        var dns = new List<string>();
        var uris = new List<string>();
        foreach (X509Extension ext in certificate.Extensions)
        {
            if (ext is X509SubjectAlternativeNameExtension)
            {
                ReadSan(ext.RawData, emails, dns, uris);
            }
        }

        names.AddRange(emails);
        names.AddRange(dns);
        names.AddRange(uris);
        string subject = GoSubject(certificate.SubjectName);
        if (subject.Length > 0)
        {
            names.Add(subject);
        }

        return names;
    }

    internal static string GoSubject(X500DistinguishedName name)
    {
        var values = new Dictionary<string, List<string>>();
        foreach (X500RelativeDistinguishedName rdn in name.EnumerateRelativeDistinguishedNames())
        {
            if (rdn.HasMultipleElements)
            {
                continue;
            }

            string oid = rdn.GetSingleElementType().Value ?? "";
            string? value = rdn.GetSingleElementValue();
            if (value is null)
            {
                continue;
            }

            if (!values.TryGetValue(oid, out List<string>? list))
            {
                values[oid] = list = [];
            }

            list.Add(Escape(value));
        }

        var parts = new List<string>();
        foreach (var (oid, shortName) in SubjectOrder)
        {
            if (values.TryGetValue(oid, out List<string>? list))
            {
                parts.Add(string.Join("+", list.Select(v => $"{shortName}={v}")));
            }
        }

        return string.Join(",", parts);
    }

    // RFC 4514 escaping as Go applies it.
    private static string Escape(string value)
    {
        var sb = new StringBuilder(value.Length);
        for (int i = 0; i < value.Length; i++)
        {
            char c = value[i];
            bool special = c is ',' or '+' or '"' or '\\' or '<' or '>' or ';'
                || (i == 0 && (c == ' ' || c == '#'))
                || (i == value.Length - 1 && c == ' ');
            if (special)
            {
                sb.Append('\\');
            }

            sb.Append(c);
        }

        return sb.ToString();
    }

    private static void ReadSan(byte[] raw, List<string> emails, List<string> dns, List<string> uris)
    {
        try
        {
            var reader = new AsnReader(raw, AsnEncodingRules.DER);
            AsnReader seq = reader.ReadSequence();
            while (seq.HasData)
            {
                Asn1Tag tag = seq.PeekTag();
                if (tag.TagClass == TagClass.ContextSpecific && tag.TagValue is 1 or 2 or 6)
                {
                    string text = seq.ReadCharacterString(UniversalTagNumber.IA5String, tag);
                    (tag.TagValue switch { 1 => emails, 2 => dns, _ => uris }).Add(text);
                }
                else
                {
                    seq.ReadEncodedValue();
                }
            }
        }
        catch (AsnContentException)
        {
            // A malformed SAN maps to nobody; the subject may still.
        }
    }
}
