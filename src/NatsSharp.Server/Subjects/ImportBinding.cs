namespace NatsSharp.Server.Subjects;

/// <summary>
/// What a subscription the server made for an import does with a message: carry it into
/// another account (<see cref="StreamImport"/>, <see cref="ServiceImport"/>) or route a
/// service's response back to the requester (<see cref="ServiceResponses"/>).
/// </summary>
internal abstract class ImportBinding
{
}
