using PiBuild.Core.Bootstrap;
using PiBuild.Core.Devices;
using PiBuild.Core.Fetching;
using PiBuild.Core.Go;
using PiBuild.Core.Layout;
using PiBuild.Core.Pipelines;
using PiBuild.Core.Releases;
using PiBuild.Core.Targets;
using PiBuild.Core.Testing;

namespace PiBuild.Core;

/// <summary>
/// Every command pibuild runs, as the CLI calls it: a request in, a result out, progress through
/// <see cref="IPipelineEvents"/>. Each is one line into its pipeline (<c>Pipelines/</c>), where the work is.
/// </summary>
public sealed partial class Workspace
{
    public Task<BuildReport> CrossAsync(CrossRequest request, CancellationToken cancellationToken) => CrossPipeline.RunAsync(this, request, cancellationToken);

    public Task<BuildReport> BuildAsync(BuildRequest request, CancellationToken cancellationToken) => BuildPipeline.RunAsync(this, request, cancellationToken);

    /// <summary>The program on every device <c>--on</c> names, at once; the worst exit code.</summary>
    public Task<int> RunOnFleetAsync(RunRequest request, CancellationToken cancellationToken) => RunPipeline.RunOnFleetAsync(this, request, cancellationToken);

    public Task<RunOutcome> RunAsync(RunRequest request, CancellationToken cancellationToken) => RunPipeline.RunAsync(this, request, cancellationToken);

    public Task<GoTestReport> TestAsync(TestRequest request, CancellationToken cancellationToken) => TestPipeline.RunAsync(this, request, cancellationToken);

    public Task<ImageOutcome> ImageAsync(ImageRequest request, CancellationToken cancellationToken) => ImagePipeline.RunAsync(this, request, cancellationToken);

    /// <summary>
    /// Whether <c>--on</c> (else PIBUILD_ON) names more than one device (a list, or a group of several). One device is a
    /// fleet of one; what pibuild.yaml's <c>devices:</c> holds changes how names resolve, not how a command behaves.
    /// </summary>
    public bool IsFleet(string? on) =>
        (on ?? GetVariable(Addresses.DeviceAddress.Variable)) is { Length: > 0 } text
        && Pipelines.DeviceFleet.Members(this, text, "").Count > 1;

    public Task<RolloutOutcome> DeployAsync(DeployRequest request, CancellationToken cancellationToken) => DeployPipeline.RunAsync(this, request, cancellationToken);

    public Task<VerifyReport> VerifyAsync(VerifyRequest request, CancellationToken cancellationToken) => VerifyPipeline.RunAsync(this, request, cancellationToken);

    public Task<LayoutReport> LayoutAsync(LayoutRequest request, CancellationToken cancellationToken) => LayoutPipeline.RunAsync(this, request, cancellationToken);

    public Task<ReleaseManifest> ReleaseAsync(ReleaseRequest request, CancellationToken cancellationToken) => ReleasePipeline.RunAsync(this, request, cancellationToken);

    public static Task<ReleaseManifest> MergeReleaseAsync(ReleaseMergeRequest request, CancellationToken cancellationToken) => ReleasePipeline.MergeAsync(request, cancellationToken);

    public Task<FetchOutcome> FetchAsync(FetchRequest request, CancellationToken cancellationToken) => FetchPipeline.RunAsync(this, request, cancellationToken);

    public Task<BootstrapPlan> PlanBootstrapAsync(BootstrapRequest request, CancellationToken cancellationToken) => BootstrapPipeline.PlanAsync(this, request, cancellationToken);

    public Task<BootstrapResult> BootstrapAsync(BootstrapPlan plan, CancellationToken cancellationToken) => BootstrapPipeline.RunAsync(this, plan, cancellationToken);

    public Task<(TargetProfile Target, PackBootstrapResult Result)> PackBootstrapAsync(PackBootstrapRequest request, CancellationToken cancellationToken) => PackBootstrapPipeline.RunAsync(this, request, cancellationToken);

    public Task<SysrootOutcome> SysrootAsync(SysrootRequest request, CancellationToken cancellationToken) => SysrootPipeline.RunAsync(this, request, cancellationToken);

    public Task<int> DeviceExecAsync(DeviceExecRequest request, CancellationToken cancellationToken) => DeviceExec.RunAsync(this, request, cancellationToken);

    /// <summary>Closes pibuild's shared ssh connections to a device's host (null: PIBUILD_ON's); the device and how many there were.</summary>
    public async Task<(string Device, int Closed)> ForgetDeviceAsync(string? on, CancellationToken cancellationToken)
    {
        var members = Pipelines.DeviceFleet.Members(this, on, "device forget needs a device: pibuild device forget pi@raspberrypi.local (or set PIBUILD_ON)");
        var address = members.Count == 1
            ? members[0].Address
            : throw new ConfigurationException($"device forget takes one device, not {members.Count} ({string.Join(", ", members.Select(m => m.Name))}); name one of them");
        return (address.ToString(), await Device.ForgetAsync(this, address, cancellationToken).ConfigureAwait(false));
    }

    public Task<DoctorReport> DoctorAsync(CancellationToken cancellationToken) => DoctorPipeline.RunAsync(this, cancellationToken);

    public IReadOnlyList<TargetProfile> Targets() => TargetsPipeline.List(this);

    public TargetProfile Target(string name) => TargetsPipeline.Show(this, name);

    /// <summary>PIBUILD_ON: the device (or devices) --on means when it is not given.</summary>
    public string? DeviceOn => GetVariable(Addresses.DeviceAddress.Variable);

    public Task<IReadOnlyList<FleetBoard>> DetectFleetAsync(string on, CancellationToken cancellationToken) => TargetsPipeline.DetectFleetAsync(this, on, cancellationToken);

    public Task<DetectedBoard> DetectAsync(string? on, CancellationToken cancellationToken) => TargetsPipeline.DetectAsync(this, on, cancellationToken);

    public IReadOnlyList<CachedToolchain> Toolchains() => ToolchainsPipeline.List(this);

    public IReadOnlyList<CachedToolchain> PruneToolchains(int keep) => ToolchainsPipeline.Prune(this, keep);
}
