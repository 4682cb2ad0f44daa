-- TradingDatabase: Degraded covers an invalid spec, instances down, no primary and spec changes that
-- cannot be applied (status.pendingChanges); Healthy when every instance is ready.
return notYetObserved() or fromConditions()
