-- Shared by the tradingdb.io health checks: argocd-cm-health.yaml puts it in front of each kind's script.
-- Argo CD runs the result with gopher-lua (Lua 5.1) and passes the resource as the global obj.
local hs = {}

local function verdict(status, message)
  hs.status = status
  hs.message = message
  return hs
end

-- The condition of this type in status.conditions, or nil.
local function condition(conditionType)
  for _, c in ipairs(obj.status.conditions or {}) do
    if c.type == conditionType then
      return c
    end
  end
  return nil
end

local function isTrue(c)
  return c ~= nil and c.status == "True"
end

local function explain(c)
  return c.message or c.reason or (c.type .. " is " .. c.status)
end

-- Progressing until the operator has reported on the current spec (metadata.generation), else nil.
local function notYetObserved()
  if obj.status == nil then
    return verdict("Progressing", "waiting for the operator to report a status")
  end
  local generation = obj.metadata.generation
  local observed = obj.status.observedGeneration
  if generation ~= nil and (observed == nil or observed < generation) then
    return verdict("Progressing", "waiting for the operator to observe generation " .. generation)
  end
  return nil
end

-- Degraded=True wins (the operator sets it for every problem, with a message for the user), then
-- Progressing=True (a rolling update may keep Ready=True), then Ready=True. Ready=False alone means
-- the operator is still working on it.
local function fromConditions()
  local degraded = condition("Degraded")
  if isTrue(degraded) then
    return verdict("Degraded", explain(degraded))
  end
  local progressing = condition("Progressing")
  if isTrue(progressing) then
    return verdict("Progressing", explain(progressing))
  end
  local ready = condition("Ready")
  if isTrue(ready) then
    return verdict("Healthy", explain(ready))
  end
  if ready ~= nil then
    return verdict("Progressing", explain(ready))
  end
  return verdict("Progressing", "waiting for the operator to report readiness")
end
