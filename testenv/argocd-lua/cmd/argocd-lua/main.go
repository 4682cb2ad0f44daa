// Command argocd-lua evaluates Argo CD resource health scripts the way Argo CD's application
// controller does (util/lua in Argo CD v3): gopher-lua (Lua 5.1) with only the package, base and
// table libraries open (no string, io, os or debug library), the resource as the global obj
// (JSON numbers as Lua numbers, arrays as 1-based tables), a one-second time limit, and the
// returned table read back through JSON into {status, message}. A status outside Argo CD's codes
// becomes Unknown with Argo CD's own message.
//
// Input on stdin: a JSON array of {"script": "...", "obj": {...}}.
// Output on stdout: a JSON array, one {"status", "message"} or {"error"} per input, in order.
package main

import (
	"context"
	"encoding/json"
	"fmt"
	"os"
	"time"

	lua "github.com/yuin/gopher-lua"
	luajson "layeh.com/gopher-json"
)

type evaluation struct {
	Script string         `json:"script"`
	Obj    map[string]any `json:"obj"`
}

type result struct {
	Status  string `json:"status,omitempty"`
	Message string `json:"message,omitempty"`
	Error   string `json:"error,omitempty"`
}

// The health codes Argo CD accepts (gitops-engine health.HealthStatusCode).
var validStatus = map[string]bool{
	"Unknown": true, "Progressing": true, "Suspended": true, "Healthy": true, "Degraded": true, "Missing": true,
}

func main() {
	var inputs []evaluation
	if err := json.NewDecoder(os.Stdin).Decode(&inputs); err != nil {
		fmt.Fprintln(os.Stderr, "argocd-lua: reading input:", err)
		os.Exit(2)
	}
	results := make([]result, 0, len(inputs))
	for _, in := range inputs {
		results = append(results, evaluate(in))
	}
	if err := json.NewEncoder(os.Stdout).Encode(results); err != nil {
		fmt.Fprintln(os.Stderr, "argocd-lua: writing output:", err)
		os.Exit(2)
	}
}

func evaluate(in evaluation) result {
	l := lua.NewState(lua.Options{SkipOpenLibs: true})
	defer l.Close()
	for _, lib := range []struct {
		name string
		open lua.LGFunction
	}{
		{lua.LoadLibName, lua.OpenPackage},
		{lua.BaseLibName, lua.OpenBase},
		{lua.TabLibName, lua.OpenTable},
	} {
		if err := l.CallByParam(lua.P{Fn: l.NewFunction(lib.open), NRet: 0, Protect: true}, lua.LString(lib.name)); err != nil {
			return result{Error: err.Error()}
		}
	}
	ctx, cancel := context.WithTimeout(context.Background(), time.Second)
	defer cancel()
	l.SetContext(ctx)
	l.SetGlobal("obj", decode(l, in.Obj))

	fn, err := l.LoadString(in.Script)
	if err == nil {
		l.Push(fn)
		err = l.PCall(0, lua.MultRet, nil)
	}
	if err != nil {
		return result{Error: err.Error()}
	}
	returned := l.Get(-1)
	if returned.Type() != lua.LTTable {
		return result{Error: fmt.Sprintf("expect table output from Lua script, not %s", returned.Type())}
	}
	encoded, err := luajson.Encode(returned)
	if err != nil {
		return result{Error: err.Error()}
	}
	var health result
	if err := json.Unmarshal(encoded, &health); err != nil {
		// An empty table encodes as [], which Argo CD reads as an empty health status.
		return result{}
	}
	if !validStatus[health.Status] {
		return result{Status: "Unknown", Message: "Lua returned an invalid health status"}
	}
	return result{Status: health.Status, Message: health.Message}
}

// decode turns a JSON value into Lua as Argo CD's decodeValue does.
func decode(l *lua.LState, value any) lua.LValue {
	switch v := value.(type) {
	case bool:
		return lua.LBool(v)
	case float64:
		return lua.LNumber(v)
	case string:
		return lua.LString(v)
	case []any:
		table := l.CreateTable(len(v), 0)
		for _, item := range v {
			table.Append(decode(l, item))
		}
		return table
	case map[string]any:
		table := l.CreateTable(0, len(v))
		for key, item := range v {
			table.RawSetH(lua.LString(key), decode(l, item))
		}
		return table
	}
	return lua.LNil
}
