namespace NatsSharp.Server.SystemAccount;

/// <summary>A request body Go's json.Unmarshal would refuse; the message is its error text.</summary>
internal sealed class RequestBodyException(string message) : Exception(message);
