using System.Text.Json.Serialization;

namespace NatsSharp.Server.JetStream.Api;

/// <summary>nats-server's ApiError: <c>{"code":404,"err_code":10059,"description":"stream not found"}</c>.</summary>
internal sealed record JsApiError(
    [property: JsonPropertyName("code")] int Code,
    [property: JsonPropertyName("err_code"), JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingDefault)] int ErrCode,
    [property: JsonPropertyName("description")] string Description)
{
    /// <summary>The error with its placeholder ("{err}", "{seq}", ...) replaced.</summary>
    public JsApiError With(object value)
    {
        int open = Description.IndexOf('{', StringComparison.Ordinal);
        int close = open < 0 ? -1 : Description.IndexOf('}', open);
        string text = open < 0 || close < 0
            ? Description
            : string.Concat(Description.AsSpan(0, open), Convert.ToString(value, System.Globalization.CultureInfo.InvariantCulture), Description.AsSpan(close + 1));
        return this with { Description = text };
    }
}
