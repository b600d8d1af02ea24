{{/*
The pod spec of a boxoffice-load run (the load-test Job and the helm test sale).
Usage: include "boxoffice.loadPodSpec" (dict "root" . "args" (list ...) "resources" ... "restartPolicy" "Never")
*/}}
{{- define "boxoffice.loadPodSpec" -}}
{{- $root := .root -}}
restartPolicy: Never
serviceAccountName: {{ include "boxoffice.serviceAccountName" $root }}
automountServiceAccountToken: false
{{- with $root.Values.imagePullSecrets }}
imagePullSecrets:
  {{- toYaml . | nindent 2 }}
{{- end }}
securityContext:
  {{- toYaml $root.Values.podSecurityContext | nindent 2 }}
containers:
  - name: boxoffice-load
    image: {{ include "boxoffice.image" $root }}
    imagePullPolicy: {{ $root.Values.image.pullPolicy }}
    # The image's entrypoint is `boxoffice`: the harness is started by its path.
    command: ["/usr/local/bin/boxoffice-load"]
    args:
      {{- toYaml .args | nindent 6 }}
    env:
      {{- include "boxoffice.secretEnv" (list $root (include "boxoffice.secretName" $root)) | nindent 6 }}
    resources:
      {{- toYaml .resources | nindent 6 }}
    securityContext:
      {{- toYaml $root.Values.securityContext | nindent 6 }}
{{- with $root.Values.nodeSelector }}
nodeSelector:
  {{- toYaml . | nindent 2 }}
{{- end }}
{{- with $root.Values.tolerations }}
tolerations:
  {{- toYaml . | nindent 2 }}
{{- end }}
{{- end }}
