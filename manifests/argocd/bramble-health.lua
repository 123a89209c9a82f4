-- Argo CD health for bramble's kinds, read from kstatus-style status: Ready, plus Reconciling
-- and Stalled only while true. One script serves all four kinds because they share the
-- condition contract; health-checks.yaml carries it once per kind (Argo CD keys by kind).
local hs = { status = "Progressing", message = "Waiting for bramble to report status" }

-- Reasons bramble gives for Ready=False while it is still working toward the spec: they mean
-- "not yet", not "broken", so they must not page anyone.
local transient = {
  Applying = true,
  ChangePending = true,
  DriftDetected = true,
  NotObserved = true,
  Pending = true,
  Progressing = true,
  Reconciling = true,
  Waiting = true,
}

local function condition(conditions, kind)
  for _, c in ipairs(conditions) do
    if c.type == kind then return c end
  end
  return nil
end

if obj.status == nil or obj.status.conditions == nil then
  return hs
end

local generation = obj.metadata and obj.metadata.generation
local observed = obj.status.observedGeneration
if generation ~= nil and (observed == nil or observed < generation) then
  hs.message = "bramble has not yet observed generation " .. tostring(generation)
  return hs
end

local conditions = obj.status.conditions
local stalled = condition(conditions, "Stalled")
if stalled ~= nil and stalled.status == "True" then
  hs.status = "Degraded"
  hs.message = (stalled.reason or "Stalled") .. ": " .. (stalled.message or "")
  return hs
end

local reconciling = condition(conditions, "Reconciling")
if reconciling ~= nil and reconciling.status == "True" then
  hs.message = reconciling.message or "Reconciling"
  return hs
end

local ready = condition(conditions, "Ready")
if ready == nil then
  return hs
end
if ready.observedGeneration ~= nil and generation ~= nil and ready.observedGeneration < generation then
  hs.message = "Ready describes an older generation"
  return hs
end
if ready.status == "True" then
  hs.status = "Healthy"
  hs.message = ready.message or "Ready"
  return hs
end
if ready.status == "False" and not transient[ready.reason or ""] then
  hs.status = "Degraded"
  hs.message = (ready.reason or "NotReady") .. ": " .. (ready.message or "")
  return hs
end
hs.message = ready.message or "Not ready yet"
return hs
