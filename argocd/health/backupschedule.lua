-- BackupSchedule: a spec problem is Degraded; then spec.suspend is Suspended (old failures do not
-- matter while the user has stopped backups); then a failed last backup is Degraded.
local pending = notYetObserved()
if pending ~= nil then
  return pending
end
local degraded = condition("Degraded")
if isTrue(degraded) then
  return verdict("Degraded", explain(degraded))
end
if obj.spec ~= nil and obj.spec.suspend == true then
  return verdict("Suspended", "backups are suspended (spec.suspend is true)")
end
local lastBackup = condition("LastBackupSucceeded")
if lastBackup ~= nil and lastBackup.status == "False" then
  return verdict("Degraded", "last backup failed: " .. explain(lastBackup))
end
return fromConditions()
