{{/* The chart name, or nameOverride. */}}
{{- define "c8s.name" -}}
{{- default .Chart.Name .Values.nameOverride | trunc 63 | trimSuffix "-" }}
{{- end }}

{{/* Object name prefix: the release name when it already contains the chart name (`c8s`). */}}
{{- define "c8s.fullname" -}}
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

{{- define "c8s.chart" -}}
{{- printf "%s-%s" .Chart.Name .Chart.Version | replace "+" "_" | trunc 63 | trimSuffix "-" }}
{{- end }}

{{/* Labels on every object. */}}
{{- define "c8s.labels" -}}
helm.sh/chart: {{ include "c8s.chart" . }}
app.kubernetes.io/name: {{ include "c8s.name" . }}
app.kubernetes.io/instance: {{ .Release.Name }}
app.kubernetes.io/version: {{ .Chart.AppVersion | quote }}
app.kubernetes.io/managed-by: {{ .Release.Service }}
{{- end }}

{{/* The server's pods: Deployment selector and Service selector. */}}
{{- define "c8s.serverSelectorLabels" -}}
app.kubernetes.io/name: {{ include "c8s.name" . }}
app.kubernetes.io/instance: {{ .Release.Name }}
app.kubernetes.io/component: server
{{- end }}

{{- define "c8s.serverServiceAccount" -}}
{{- default (printf "%s-server" (include "c8s.fullname" .)) .Values.serviceAccount.server }}
{{- end }}

{{- define "c8s.sandboxServiceAccount" -}}
{{- default (printf "%s-sandbox" (include "c8s.fullname" .)) .Values.serviceAccount.sandbox }}
{{- end }}

{{- define "c8s.image" -}}
{{- printf "%s:%s" .Values.image.repository (default .Chart.AppVersion .Values.image.tag) }}
{{- end }}

{{/* The Secret holding C8S_DATABASE_URL, when there is one. */}}
{{- define "c8s.databaseSecret" -}}
{{- if .Values.database.existingSecret }}
{{- .Values.database.existingSecret }}
{{- else if .Values.database.url }}
{{- printf "%s-database" (include "c8s.fullname" .) }}
{{- end }}
{{- end }}

{{/*
More than one replica shares everything through PostgreSQL and an S3 bucket: refuse to render
one that would keep its store, logs or artifacts on one pod's disk.
*/}}
{{- define "c8s.requireShared" -}}
{{- if not (include "c8s.databaseSecret" .) }}
{{- fail "more than one replica (autoscaling.enabled or replicaCount > 1) needs PostgreSQL: set database.existingSecret or database.url — the embedded store is one pod's" }}
{{- end }}
{{- if not .Values.blobs.s3.bucket }}
{{- fail "more than one replica needs an S3-compatible bucket for logs and artifacts: set blobs.s3.bucket (and blobs.s3.existingSecret for its keys)" }}
{{- end }}
{{- if .Values.persistence.enabled }}
{{- fail "more than one replica cannot share persistence (a ReadWriteOnce volume): set persistence.enabled=false; the data lives in PostgreSQL and S3" }}
{{- end }}
{{- end }}
