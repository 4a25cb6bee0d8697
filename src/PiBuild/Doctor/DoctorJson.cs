namespace PiBuild.Cli.Doctor;

public sealed record DoctorCheckJson(string Name, string Status, string Detail, string? Fix, bool Required);

public sealed record DoctorJson(bool Ready, IReadOnlyList<DoctorCheckJson> Checks);
