// Argo CD's Lua runtime for the health-check tests: gopher-lua and gopher-json at the versions
// Argo CD v3.6.1 pins in its go.mod, so the scripts run on the interpreter Argo CD ships.
module tradingdb.io/testenv/argocd-lua

go 1.24

require (
	github.com/yuin/gopher-lua v1.1.2
	layeh.com/gopher-json v0.0.0-20190114024228-97fed8db8427
)
