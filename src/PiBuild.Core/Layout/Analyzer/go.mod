module pibuild.dev/layout

go 1.19
