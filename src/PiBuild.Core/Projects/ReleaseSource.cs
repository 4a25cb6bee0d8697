namespace PiBuild.Core.Projects;

/// <summary>What a release is of: its version, commit and the source date that fixes every timestamp.</summary>
internal sealed record ReleaseSource(string Version, string Commit, long SourceDateEpoch);
