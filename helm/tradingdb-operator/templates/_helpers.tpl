{{/* Chart name, overridable. */}}
{{- define "tradingdb-operator.name" -}}
{{- default .Chart.Name .Values.nameOverride | trunc 63 | trimSuffix "-" }}
{{- end }}

{{/* Full name of the operator's objects: the release name when it already contains the chart name. */}}
{{- define "tradingdb-operator.fullname" -}}
{{- if .Values.fullnameOverride }}
{{- .Values.fullnameOverride | trunc 63 | trimSuffix "-" }}
{{- else }}
{{- $name := default .Chart.Name .Values.nameOverride }}
{{- if contains $name .Release.Name }}
{{- .Release.Name | trunc 63 | trimSuffix "-" }}
{{- else }}
{{- printf "%s-%s" .Release.Name $name | trunc 63 | trimSuffix "-" }}
{{- end }}
{{- end }}
{{- end }}

{{- define "tradingdb-operator.serviceAccountName" -}}
{{- if .Values.serviceAccount.create }}
{{- default (include "tradingdb-operator.fullname" .) .Values.serviceAccount.name }}
{{- else }}
{{- required "serviceAccount.name is required when serviceAccount.create is false" .Values.serviceAccount.name }}
{{- end }}
{{- end }}

{{/* Labels that never change for the life of the release: fit for selectors. */}}
{{- define "tradingdb-operator.selectorLabels" -}}
app.kubernetes.io/name: {{ include "tradingdb-operator.name" . }}
app.kubernetes.io/instance: {{ .Release.Name }}
{{- end }}

{{- define "tradingdb-operator.labels" -}}
helm.sh/chart: {{ printf "%s-%s" .Chart.Name .Chart.Version | replace "+" "_" | trunc 63 | trimSuffix "-" }}
{{ include "tradingdb-operator.selectorLabels" . }}
app.kubernetes.io/version: {{ .Chart.AppVersion | quote }}
app.kubernetes.io/component: operator
app.kubernetes.io/part-of: tradingdb
app.kubernetes.io/managed-by: {{ .Release.Service }}
{{- end }}

{{/* Argo CD applies the CRDs in wave -1 and the operator's objects in wave 0, before any TradingDatabase (wave >= 1). */}}
{{- define "tradingdb-operator.annotations" -}}
argocd.argoproj.io/sync-wave: "0"
{{- end }}

{{- define "tradingdb-operator.image" -}}
{{- if .Values.image.digest }}
{{- printf "%s@%s" .Values.image.repository .Values.image.digest }}
{{- else }}
{{- printf "%s:%s" .Values.image.repository (default .Chart.AppVersion .Values.image.tag) }}
{{- end }}
{{- end }}
