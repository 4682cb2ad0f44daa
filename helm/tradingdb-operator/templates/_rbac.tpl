{{/*
The operator's permissions, in one place: cluster mode puts namespacedRules in a ClusterRole, namespaced mode in a
Role per watched namespace. No wildcards. The operator must hold every permission it grants in the Roles it creates
for Patroni (pods, endpoints, configmaps, services), since RBAC forbids granting more than one holds.
*/}}
{{- define "tradingdb-operator.rbac.namespacedRules" -}}
- apiGroups: ["tradingdb.io"]
  resources: ["tradingdatabases", "backupschedules", "dbusers"]
  verbs: ["get", "list", "watch", "patch", "update"]
- apiGroups: ["tradingdb.io"]
  resources: ["tradingdatabases/status", "backupschedules/status", "dbusers/status"]
  verbs: ["get", "patch", "update"]
- apiGroups: ["tradingdb.io"]
  resources: ["tradingdatabases/finalizers", "backupschedules/finalizers", "dbusers/finalizers"]
  verbs: ["update"]
- apiGroups: [""]
  resources: ["secrets", "configmaps", "services", "serviceaccounts", "endpoints"]
  verbs: ["get", "list", "watch", "create", "patch", "update", "delete"]
- apiGroups: [""]
  resources: ["persistentvolumeclaims"]
  verbs: ["get", "list", "watch", "patch", "update", "delete"]
- apiGroups: [""]
  resources: ["pods"]
  verbs: ["get", "list", "watch", "patch", "update"]
# Rolling updates replace instance pods through the eviction API, so disruption budgets have their say.
- apiGroups: [""]
  resources: ["pods/eviction"]
  verbs: ["create"]
- apiGroups: [""]
  resources: ["events"]
  verbs: ["create", "patch"]
- apiGroups: ["events.k8s.io"]
  resources: ["events"]
  verbs: ["create", "patch"]
- apiGroups: ["apps"]
  resources: ["statefulsets", "deployments"]
  verbs: ["get", "list", "watch", "create", "patch", "update", "delete"]
- apiGroups: ["policy"]
  resources: ["poddisruptionbudgets"]
  verbs: ["get", "list", "watch", "create", "patch", "update", "delete"]
- apiGroups: ["rbac.authorization.k8s.io"]
  resources: ["roles", "rolebindings"]
  verbs: ["get", "list", "watch", "create", "patch", "update", "delete"]
- apiGroups: ["batch"]
  resources: ["cronjobs", "jobs"]
  verbs: ["get", "list", "watch", "create", "patch", "update", "delete"]
- apiGroups: ["networking.k8s.io"]
  resources: ["networkpolicies"]
  verbs: ["get", "list", "watch", "create", "patch", "update", "delete"]
- apiGroups: ["monitoring.coreos.com"]
  resources: ["podmonitors", "prometheusrules", "alertmanagerconfigs"]
  verbs: ["get", "list", "watch", "create", "patch", "update", "delete"]
- apiGroups: ["cert-manager.io"]
  resources: ["certificates"]
  verbs: ["get", "list", "watch", "create", "patch", "update", "delete"]
{{- end }}

{{/* Read-only, cluster-scoped: StorageClasses (can a volume grow?), CRDs (are Prometheus Operator, cert-manager there?) and the kubelets' volume stats (autoGrow). */}}
{{- define "tradingdb-operator.rbac.clusterRules" -}}
- apiGroups: ["storage.k8s.io"]
  resources: ["storageclasses"]
  verbs: ["get", "list", "watch"]
{{- /* spec.storage.*.autoGrow reads the kubelet's volume stats: GET /api/v1/nodes/<node>/proxy/stats/summary. */}}
- apiGroups: [""]
  resources: ["nodes/proxy"]
  verbs: ["get"]
- apiGroups: ["apiextensions.k8s.io"]
  resources: ["customresourcedefinitions"]
  verbs: ["get", "list", "watch"]
{{- end }}

{{/*
Namespaced mode only: deleting a watched namespace deletes its Role and RoleBinding together with the DbUsers and
BackupSchedules, whose finalizers the operator must still remove, or the namespace stays Terminating forever.
*/}}
{{- define "tradingdb-operator.rbac.finalizerRules" -}}
- apiGroups: ["tradingdb.io"]
  resources: ["backupschedules", "dbusers"]
  verbs: ["get", "list", "watch", "patch", "update"]
- apiGroups: ["tradingdb.io"]
  resources: ["backupschedules/finalizers", "dbusers/finalizers"]
  verbs: ["update"]
{{- end }}

{{/* Leader election: the Lease lives in the operator's own namespace only. */}}
{{- define "tradingdb-operator.rbac.leaderElectionRules" -}}
- apiGroups: ["coordination.k8s.io"]
  resources: ["leases"]
  verbs: ["get", "list", "watch", "create", "update", "patch"]
{{- end }}

{{- define "tradingdb-operator.rbac.subjects" -}}
- kind: ServiceAccount
  name: {{ include "tradingdb-operator.serviceAccountName" . }}
  namespace: {{ .Release.Namespace }}
{{- end }}
