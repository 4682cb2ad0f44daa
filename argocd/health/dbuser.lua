-- DbUser: Healthy once the role, its password and its grants match the spec (Ready=True); Degraded
-- with the operator's message when they cannot (missing database or Secret, refused statement).
return notYetObserved() or fromConditions()
