using PiBuild.Cli;

return await PiBuildCommandLine.InvokeAsync(args, Console.Out, Console.Error).ConfigureAwait(false);
