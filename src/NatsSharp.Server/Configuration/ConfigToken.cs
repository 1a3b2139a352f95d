namespace NatsSharp.Server.Configuration;

/// <summary>
/// A lexed item. <see cref="Text"/> is the value text (escapes already applied, quotes and the
/// <c>$</c> of a variable removed) or the message of an <see cref="ConfigTokenKind.Error"/>.
/// </summary>
internal readonly record struct ConfigToken(ConfigTokenKind Kind, string Text, int Line, int Column);
