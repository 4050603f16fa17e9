#compdef kubectl-cinc_scan

autoload -U is-at-least

_kubectl-cinc_scan() {
    typeset -A opt_args
    typeset -a _arguments_options
    local ret=1

    if is-at-least 5.2; then
        _arguments_options=(-s -S -C)
    else
        _arguments_options=(-s -C)
    fi

    local context curcontext="$curcontext" state line
    _arguments "${_arguments_options[@]}" : \
'(-l --selector --all -A --all-namespaces)*-f+[Scan the live Pods and workloads of a manifest\: a file, a directory of .yaml/.yml/.json files, or - for stdin (repeatable; the namespace comes from the manifest, else -n)]:FILE:_files' \
'(-l --selector --all -A --all-namespaces)*--filename=[Scan the live Pods and workloads of a manifest\: a file, a directory of .yaml/.yml/.json files, or - for stdin (repeatable; the namespace comes from the manifest, else -n)]:FILE:_files' \
'-n+[Namespace of the targets (default\: the context'\''s namespace)]:NAMESPACE:_default' \
'--namespace=[Namespace of the targets (default\: the context'\''s namespace)]:NAMESPACE:_default' \
'-l+[Label selector, e.g. -l app=web,tier!=cache]:SELECTOR:_default' \
'--selector=[Label selector, e.g. -l app=web,tier!=cache]:SELECTOR:_default' \
'*-c+[Container to scan, an app container or a running init container (repeatable; default\: every app container and native sidecar)]:NAME:_default' \
'*--container=[Container to scan, an app container or a running init container (repeatable; default\: every app container and native sidecar)]:NAME:_default' \
'--context=[The kubeconfig context to use]:NAME:_default' \
'--cluster=[The kubeconfig cluster to use]:NAME:_default' \
'--user=[The kubeconfig user to use]:NAME:_default' \
'--kubeconfig=[Path to the kubeconfig file (default\: \$KUBECONFIG, then ~/.kube/config, then in-cluster)]:PATH:_files' \
'*--profile=[Profile to run\: a YAML file, a directory of them, or builtin\:NAME (repeatable; default\: builtin\:container-baseline)]:PATH|builtin:NAME:_default' \
'-o+[Output format on stdout]:OUTPUT:((table\:"A table for people (the default)"
json\:"HDF (InSpec exec-json), one document per container and line"
junit\:"JUnit XML\: a testsuite per container, a testcase per control"
sarif\:"SARIF 2.1.0 (GitHub code scanning)\: failed controls as results"
markdown\:"A Markdown summary (for \$GITHUB_STEP_SUMMARY or a merge-request comment)"))' \
'--output=[Output format on stdout]:OUTPUT:((table\:"A table for people (the default)"
json\:"HDF (InSpec exec-json), one document per container and line"
junit\:"JUnit XML\: a testsuite per container, a testcase per control"
sarif\:"SARIF 2.1.0 (GitHub code scanning)\: failed controls as results"
markdown\:"A Markdown summary (for \$GITHUB_STEP_SUMMARY or a merge-request comment)"))' \
'--output-dir=[Also write one HDF JSON file per container into this directory]:DIR:_files' \
'--report-mode=[File mode of --report and --output-dir files, in octal \[default\: 0600\: findings are sensitive\]]:MODE:_default' \
'--access=[How to reach the container'\''s filesystem]:ACCESS:((auto\:"exec with the container'\''s own shell; without one (distroless), a debug container"
exec\:"exec with the container'\''s own shell; fail if it has none"
debug\:"an ephemeral debug container reading the target'\''s root at /proc/<pid>/root"))' \
'--debug-image=[Image of the ephemeral debug container for containers without a shell (needs sh, find, stat, xargs, head; mirror it into your registry for air-gapped clusters)]:IMAGE:_default' \
'--debug-pull-policy=[Pull policy of the debug image]:POLICY:(Always IfNotPresent Never)' \
'--debug-ttl=[How long a debug container lives (it sleeps, then exits; Kubernetes never removes it)]:DURATION:_default' \
'--debug-profile=[Security profile of the debug container (kubectl debug'\''s meanings; auto picks the least privilege that can read the target)]:PROFILE:((auto\:"Mirror the target'\''s uid/gid with nothing extra (restricted-compatible for non-root targets, baseline for root ones); learn the uid first when the pod spec does not say"
restricted\:"Non-root, all capabilities dropped, no privilege escalation, RuntimeDefault seccomp"
baseline\:"No security context\: the debug image'\''s user with the runtime'\''s default capabilities"
general\:"Adds SYS_PTRACE\: reads any target, needs a namespace that allows it"
sysadmin\:"Privileged"))' \
'(-f --filename -l --selector --all -A --all-namespaces -c --container --ephemeral-identity)--root=[Scan a directory tree instead of a cluster (an unpacked image, a mount, or /)]:DIR:_files' \
'--token-duration=[How long the --ephemeral-identity token is valid (at least 10m; longer than the scan)]:DURATION:_default' \
'--timeout=[Time limit for each container, e.g. 90s, 2m (0 for none)]:DURATION:_default' \
'--deadline=[Time limit for the whole run\: finding the targets, permission checks and every container (0 for none); containers not finished by then are reported as errors]:DURATION:_default' \
'--request-timeout=[Time limit for one API request until its answer starts, and for silence within an answer (kubectl'\''s flag; 0 for none). Failed requests are retried with backoff]:DURATION:_default' \
'--qps=[Client-side limit of API requests per second (kubectl'\''s default; 0 for none)]:QPS:_default' \
'--burst=[Requests allowed at once above --qps]:N:_default' \
'-v+[Log level on stderr, like kubectl\: 6 each API request (verb, path, status, duration), 8 also retry, budget and circuit-breaker decisions and exec stream events. Never tokens, headers or file contents]:N:_default' \
'--verbosity=[Log level on stderr, like kubectl\: 6 each API request (verb, path, status, duration), 8 also retry, budget and circuit-breaker decisions and exec stream events. Never tokens, headers or file contents]:N:_default' \
'--log-format=[Log format for -v\: text, or json (one object per line, for CI log collectors)]:FORMAT:(text json)' \
'--concurrency=[How many containers to scan at once]:N:_default' \
'--max-file-size=[Largest file content read per file, in bytes (e.g. 1048576, 512Ki, 4Mi)]:BYTES:_default' \
'--color=[When to colour the table]:WHEN:(auto always never)' \
'(--threshold-inline)--threshold=[SAF threshold file (YAML or JSON, nested or flattened keys); each container is checked and the exit code is 3 if one violates it, 0 if all meet it]:FILE:_files' \
'--threshold-inline=[SAF threshold inline, e.g. '\''{compliance.min\: 80, failed.critical.max\: 0}'\'']:RULES:_default' \
'*--report=[Also write a report file\: FORMAT=PATH, FORMAT one of json, junit, sarif, markdown, table (repeatable)]:FORMAT=PATH:_default' \
'--post-results=[POST each HDF document (application/json) to this http(s) URL, after the results are written locally; exit code 4 if it cannot be delivered]:URL:_default' \
'(--post-token-file)--post-token-env=[Environment variable that holds the bearer token for --post-results \[default\: CINC_SCAN_POST_TOKEN, if set\]]:NAME:_default' \
'--post-token-file=[File that holds the bearer token for --post-results]:PATH:_files' \
'--post-ca-file=[PEM bundle of the CAs to trust for --post-results, --pushgateway, --alertmanager and --alert-webhook (instead of the system'\''s)]:PEM:_files' \
'--post-timeout=[Time limit for each request to --post-results, --pushgateway, --alertmanager or --alert-webhook, e.g. 30s]:DURATION:_default' \
'--post-retries=[Retries of each such request after a 5xx, 429 or connection error (with backoff and jitter, or the server'\''s Retry-After)]:N:_default' \
'--metrics-file=[Write Prometheus metrics of the run to this file (atomically; for node_exporter'\''s textfile collector, name it *.prom)]:PATH:_files' \
'--metrics-format=[Format of --metrics-file\: Prometheus text 0.0.4, or OpenMetrics 1.0]:FORMAT:((text\:"Prometheus text format 0.0.4"
openmetrics\:"OpenMetrics 1.0 text"))' \
'*--extra-label=[Add a label to every metric and alert, e.g. cluster=prod (repeatable)]:NAME=VALUE:_default' \
'--pushgateway=[PUT the metrics to this Prometheus Pushgateway (http(s)\://host\:9091) after the scan; exit code 4 if it cannot be delivered]:URL:_default' \
'--pushgateway-job=[The job of the Pushgateway grouping key]:NAME:_default' \
'*--pushgateway-group=[A label of the Pushgateway grouping key (repeatable) \[default\: instance=<the kubeconfig context; in-cluster inside a pod; the host name for --root>\]]:NAME=VALUE:_default' \
'(--pushgateway-token-file --pushgateway-basic-auth-file --pushgateway-basic-auth-env)--pushgateway-token-env=[Environment variable with a bearer token for --pushgateway \[default\: CINC_SCAN_PUSHGATEWAY_TOKEN, if set\]]:NAME:_default' \
'(--pushgateway-basic-auth-file --pushgateway-basic-auth-env)--pushgateway-token-file=[File with a bearer token for --pushgateway]:PATH:_files' \
'(--pushgateway-basic-auth-env)--pushgateway-basic-auth-file=[File with USER\:PASSWORD for basic auth to --pushgateway]:PATH:_files' \
'--pushgateway-basic-auth-env=[Environment variable with USER\:PASSWORD for basic auth to --pushgateway]:NAME:_default' \
'--alert-on=[Alert on failed controls of this severity or higher]:SEVERITY:((critical\:""
high\:""
medium\:""
low\:""
none\:"Every failed control"))' \
'--alert-expire-after=[How long an alert stays firing without a new scan (its endsAt), e.g. 2h; set it above the time between scans]:DURATION:_default' \
'--alertmanager=[POST alerts for failed controls and violated thresholds to this Alertmanager (http(s)\://host\:9093; its /api/v2/alerts); exit code 4 if it cannot be delivered]:URL:_default' \
'(--alertmanager-token-file --alertmanager-basic-auth-file --alertmanager-basic-auth-env)--alertmanager-token-env=[Environment variable with a bearer token for --alertmanager \[default\: CINC_SCAN_ALERTMANAGER_TOKEN, if set\]]:NAME:_default' \
'(--alertmanager-basic-auth-file --alertmanager-basic-auth-env)--alertmanager-token-file=[File with a bearer token for --alertmanager]:PATH:_files' \
'(--alertmanager-basic-auth-env)--alertmanager-basic-auth-file=[File with USER\:PASSWORD for basic auth to --alertmanager]:PATH:_files' \
'--alertmanager-basic-auth-env=[Environment variable with USER\:PASSWORD for basic auth to --alertmanager]:NAME:_default' \
'--alert-webhook=[POST alerts to this webhook in --alert-format; exit code 4 if it cannot be delivered]:URL:_default' \
'--alert-format=[Body of --alert-webhook\: one JSON document per run, one CloudEvents 1.0 event (structured mode) per alert, or one Slack incoming-webhook message per run]:FORMAT:(json cloudevents slack)' \
'(--alert-webhook-token-file)--alert-webhook-token-env=[Environment variable with a bearer token for --alert-webhook \[default\: CINC_SCAN_ALERT_WEBHOOK_TOKEN, if set\]]:NAME:_default' \
'--alert-webhook-token-file=[File with a bearer token for --alert-webhook]:PATH:_files' \
'--alert-state=[JSON file (0600) of the alerts that were firing\: with it, controls that pass again send resolved alerts]:FILE:_files' \
'-R[With -f DIR, read its subdirectories too]' \
'--recursive[With -f DIR, read its subdirectories too]' \
'-A[Look for pods in every namespace (with -l, --all, or alone)]' \
'--all-namespaces[Look for pods in every namespace (with -l, --all, or alone)]' \
'--all[Scan every pod of the namespace]' \
'--ephemeral-identity[Scan as a ServiceAccount made for this scan only\: a Role limited to the target pods and the verbs of --access, a token from TokenRequest; all removed at the end]' \
'-q[Print only results\: no progress, no notes on stderr]' \
'--quiet[Print only results\: no progress, no notes on stderr]' \
'--no-progress[Do not draw progress bars]' \
'--metrics-per-control[Also one series per control (cinc_scan_control_status) in --metrics-file and --pushgateway\: many more series]' \
'-h[Print help (see more with '\''--help'\'')]' \
'--help[Print help (see more with '\''--help'\'')]' \
'-V[Print version]' \
'--version[Print version]' \
'::targets -- Pods or workloads to scan\: NAME, pod/NAME, deploy/NAME, sts/NAME, ds/NAME, rs/NAME, rc/NAME, job/NAME, cronjob/NAME (its active jobs); kubectl'\''s plural and long names work too:_default' \
":: :_kubectl-cinc_scan_commands" \
"*::: :->kubectl cinc-scan" \
&& ret=0
    case $state in
    (kubectl cinc-scan)
        words=($line[2] "${words[@]}")
        (( CURRENT += 1 ))
        curcontext="${curcontext%:*:*}:kubectl-cinc_scan-command-$line[2]:"
        case $line[2] in
            (profiles)
_arguments "${_arguments_options[@]}" : \
'-h[Print help]' \
'--help[Print help]' \
":: :_kubectl-cinc_scan__subcmd__profiles_commands" \
"*::: :->profiles" \
&& ret=0

    case $state in
    (profiles)
        words=($line[1] "${words[@]}")
        (( CURRENT += 1 ))
        curcontext="${curcontext%:*:*}:kubectl-cinc_scan-profiles-command-$line[1]:"
        case $line[1] in
            (list)
_arguments "${_arguments_options[@]}" : \
'-h[Print help]' \
'--help[Print help]' \
&& ret=0
;;
(show)
_arguments "${_arguments_options[@]}" : \
'-h[Print help]' \
'--help[Print help]' \
':profile -- A built-in name (e.g. container-baseline) or a path to a profile file:_default' \
&& ret=0
;;
(schema)
_arguments "${_arguments_options[@]}" : \
'-h[Print help]' \
'--help[Print help]' \
&& ret=0
;;
(help)
_arguments "${_arguments_options[@]}" : \
":: :_kubectl-cinc_scan__subcmd__profiles__subcmd__help_commands" \
"*::: :->help" \
&& ret=0

    case $state in
    (help)
        words=($line[1] "${words[@]}")
        (( CURRENT += 1 ))
        curcontext="${curcontext%:*:*}:kubectl-cinc_scan-profiles-help-command-$line[1]:"
        case $line[1] in
            (list)
_arguments "${_arguments_options[@]}" : \
&& ret=0
;;
(show)
_arguments "${_arguments_options[@]}" : \
&& ret=0
;;
(schema)
_arguments "${_arguments_options[@]}" : \
&& ret=0
;;
(help)
_arguments "${_arguments_options[@]}" : \
&& ret=0
;;
        esac
    ;;
esac
;;
        esac
    ;;
esac
;;
(completion)
_arguments "${_arguments_options[@]}" : \
'-h[Print help]' \
'--help[Print help]' \
':shell:(bash elvish fish powershell zsh)' \
&& ret=0
;;
(rbac)
_arguments "${_arguments_options[@]}" : \
'-n+[Namespace of the ServiceAccount and Role (default\: the context'\''s namespace)]:NAMESPACE:_default' \
'--namespace=[Namespace of the ServiceAccount and Role (default\: the context'\''s namespace)]:NAMESPACE:_default' \
'--service-account=[Name of the ServiceAccount to bind]:SERVICE_ACCOUNT:_default' \
'--kubeconfig=[The kubeconfig to read the context'\''s namespace from]:PATH:_files' \
'--context=[The kubeconfig context whose namespace is the default]:NAME:_default' \
'-A[A ClusterRole, for scans in every namespace]' \
'--all-namespaces[A ClusterRole, for scans in every namespace]' \
'--no-debug[Leave out patch on pods/ephemeralcontainers (no distroless scans)]' \
'-h[Print help]' \
'--help[Print help]' \
&& ret=0
;;
(job)
_arguments "${_arguments_options[@]}" : \
'-n+[Namespace of the Job, its ServiceAccount and (without -A) nothing else (default\: the context'\''s namespace)]:NAMESPACE:_default' \
'--namespace=[Namespace of the Job, its ServiceAccount and (without -A) nothing else (default\: the context'\''s namespace)]:NAMESPACE:_default' \
'--kubeconfig=[Path to the kubeconfig file]:PATH:_files' \
'--context=[The kubeconfig context to use]:NAME:_default' \
'(-A --all-namespaces)*--target-namespace=[Namespace whose pods the Job scans (repeatable; default\: the Job'\''s namespace)]:NAMESPACE:_default' \
'-l+[Label selector of the pods to scan, e.g. -l app=web]:SELECTOR:_default' \
'--selector=[Label selector of the pods to scan, e.g. -l app=web]:SELECTOR:_default' \
'*-c+[Container to scan in each pod (repeatable; default\: every app container)]:NAME:_default' \
'*--container=[Container to scan in each pod (repeatable; default\: every app container)]:NAME:_default' \
'--shards=[Number of shards\: the Job'\''s completions and (unless --parallelism) parallelism]:N:_default' \
'--parallelism=[How many shards run at once (default\: all of them)]:N:_default' \
'--retries-per-shard=[Retries of a failed shard (per index, backoffLimitPerIndex)]:N:_default' \
'--deadline=[Time limit of the whole Job (activeDeadlineSeconds), e.g. 30m, 2h]:DURATION:_default' \
'--schedule=[Run on a schedule\: a CronJob with this cron expression, e.g. '\''0 2 * * *'\'']:CRON:_default' \
'--time-zone=[Time zone of --schedule (IANA name, e.g. Europe/Berlin; default\: the controller'\''s)]:TZ:_default' \
'--starting-deadline=[How late a scheduled run may still start (startingDeadlineSeconds)]:DURATION:_default' \
'--image=[The scanner image\: the plugin'\''s static binary at /kubectl-cinc_scan]:IMAGE:_default' \
'--image-pull-policy=[Pull policy of the scanner image]:POLICY:(Always IfNotPresent Never)' \
'*--profile=[Built-in profile each shard runs (repeatable; builtin\:NAME only\: the pod has no files)]:builtin:NAME:_default' \
'--access=[How each shard reaches a container'\''s filesystem (exec\: no debug permission)]:ACCESS:((auto\:"exec with the container'\''s own shell; without one (distroless), a debug container"
exec\:"exec with the container'\''s own shell; fail if it has none"
debug\:"an ephemeral debug container reading the target'\''s root at /proc/<pid>/root"))' \
'--debug-image=[Image of the ephemeral debug container for distroless targets]:IMAGE:_default' \
'--debug-pull-policy=[Pull policy of the debug image]:POLICY:(Always IfNotPresent Never)' \
'--timeout=[Time limit for each container, e.g. 90s, 2m]:DURATION:_default' \
'--concurrency=[How many containers each shard scans at once]:N:_default' \
'--post-results=[Each shard POSTs its HDF documents to this URL (reachable from the pods)]:URL:_default' \
'--post-token-secret=[A Secret (in the Job'\''s namespace) whose key \`token\` is the bearer token for --post-results (mounted read-only, never in the pod'\''s environment)]:SECRET:_default' \
'--page-size=[Pods listed per LIST request]:N:_default' \
'--linger=[Each shard stays alive this long after its scan (hidden\: to test a schedule'\''s overlap)]:DURATION:_default' \
'-A[Scan pods in every namespace (a ClusterRole instead of Roles)]' \
'--all-namespaces[Scan pods in every namespace (a ClusterRole instead of Roles)]' \
'--apply[Create the objects now (server-side apply) instead of printing them]' \
'-h[Print help (see more with '\''--help'\'')]' \
'--help[Print help (see more with '\''--help'\'')]' \
'::name -- Name of the Job (or CronJob), its ServiceAccount and Roles:_default' \
":: :_kubectl-cinc_scan__subcmd__job_commands" \
"*::: :->job" \
&& ret=0

    case $state in
    (job)
        words=($line[2] "${words[@]}")
        (( CURRENT += 1 ))
        curcontext="${curcontext%:*:*}:kubectl-cinc_scan-job-command-$line[2]:"
        case $line[2] in
            (run)
_arguments "${_arguments_options[@]}" : \
'--shard-index=[This shard'\''s index, 0..N-1 (the Job controller sets JOB_COMPLETION_INDEX)]:I:_default' \
'--shards=[Number of shards]:N:_default' \
'*--target-namespace=[Namespace to scan (repeatable; with neither this nor -A\: the context'\''s namespace)]:NAMESPACE:_default' \
'--job-name=[The Job'\''s name, written into the results]:NAME:_default' \
'--page-size=[Pods listed per LIST request]:N:_default' \
'--termination-log=[Write the shard'\''s summary here (the pod'\''s terminationMessagePath; "" for none)]:PATH:_files' \
'--linger=[Stay alive this long after the scan (keeps the pod'\''s slot, e.g. to test a schedule)]:DURATION:_default' \
'(-l --selector --all -A --all-namespaces)*-f+[Scan the live Pods and workloads of a manifest\: a file, a directory of .yaml/.yml/.json files, or - for stdin (repeatable; the namespace comes from the manifest, else -n)]:FILE:_files' \
'(-l --selector --all -A --all-namespaces)*--filename=[Scan the live Pods and workloads of a manifest\: a file, a directory of .yaml/.yml/.json files, or - for stdin (repeatable; the namespace comes from the manifest, else -n)]:FILE:_files' \
'-n+[Namespace of the targets (default\: the context'\''s namespace)]:NAMESPACE:_default' \
'--namespace=[Namespace of the targets (default\: the context'\''s namespace)]:NAMESPACE:_default' \
'-l+[Label selector, e.g. -l app=web,tier!=cache]:SELECTOR:_default' \
'--selector=[Label selector, e.g. -l app=web,tier!=cache]:SELECTOR:_default' \
'*-c+[Container to scan, an app container or a running init container (repeatable; default\: every app container and native sidecar)]:NAME:_default' \
'*--container=[Container to scan, an app container or a running init container (repeatable; default\: every app container and native sidecar)]:NAME:_default' \
'--context=[The kubeconfig context to use]:NAME:_default' \
'--cluster=[The kubeconfig cluster to use]:NAME:_default' \
'--user=[The kubeconfig user to use]:NAME:_default' \
'--kubeconfig=[Path to the kubeconfig file (default\: \$KUBECONFIG, then ~/.kube/config, then in-cluster)]:PATH:_files' \
'*--profile=[Profile to run\: a YAML file, a directory of them, or builtin\:NAME (repeatable; default\: builtin\:container-baseline)]:PATH|builtin:NAME:_default' \
'-o+[Output format on stdout]:OUTPUT:((table\:"A table for people (the default)"
json\:"HDF (InSpec exec-json), one document per container and line"
junit\:"JUnit XML\: a testsuite per container, a testcase per control"
sarif\:"SARIF 2.1.0 (GitHub code scanning)\: failed controls as results"
markdown\:"A Markdown summary (for \$GITHUB_STEP_SUMMARY or a merge-request comment)"))' \
'--output=[Output format on stdout]:OUTPUT:((table\:"A table for people (the default)"
json\:"HDF (InSpec exec-json), one document per container and line"
junit\:"JUnit XML\: a testsuite per container, a testcase per control"
sarif\:"SARIF 2.1.0 (GitHub code scanning)\: failed controls as results"
markdown\:"A Markdown summary (for \$GITHUB_STEP_SUMMARY or a merge-request comment)"))' \
'--output-dir=[Also write one HDF JSON file per container into this directory]:DIR:_files' \
'--report-mode=[File mode of --report and --output-dir files, in octal \[default\: 0600\: findings are sensitive\]]:MODE:_default' \
'--access=[How to reach the container'\''s filesystem]:ACCESS:((auto\:"exec with the container'\''s own shell; without one (distroless), a debug container"
exec\:"exec with the container'\''s own shell; fail if it has none"
debug\:"an ephemeral debug container reading the target'\''s root at /proc/<pid>/root"))' \
'--debug-image=[Image of the ephemeral debug container for containers without a shell (needs sh, find, stat, xargs, head; mirror it into your registry for air-gapped clusters)]:IMAGE:_default' \
'--debug-pull-policy=[Pull policy of the debug image]:POLICY:(Always IfNotPresent Never)' \
'--debug-ttl=[How long a debug container lives (it sleeps, then exits; Kubernetes never removes it)]:DURATION:_default' \
'--debug-profile=[Security profile of the debug container (kubectl debug'\''s meanings; auto picks the least privilege that can read the target)]:PROFILE:((auto\:"Mirror the target'\''s uid/gid with nothing extra (restricted-compatible for non-root targets, baseline for root ones); learn the uid first when the pod spec does not say"
restricted\:"Non-root, all capabilities dropped, no privilege escalation, RuntimeDefault seccomp"
baseline\:"No security context\: the debug image'\''s user with the runtime'\''s default capabilities"
general\:"Adds SYS_PTRACE\: reads any target, needs a namespace that allows it"
sysadmin\:"Privileged"))' \
'(-f --filename -l --selector --all -A --all-namespaces -c --container --ephemeral-identity)--root=[Scan a directory tree instead of a cluster (an unpacked image, a mount, or /)]:DIR:_files' \
'--token-duration=[How long the --ephemeral-identity token is valid (at least 10m; longer than the scan)]:DURATION:_default' \
'--timeout=[Time limit for each container, e.g. 90s, 2m (0 for none)]:DURATION:_default' \
'--deadline=[Time limit for the whole run\: finding the targets, permission checks and every container (0 for none); containers not finished by then are reported as errors]:DURATION:_default' \
'--request-timeout=[Time limit for one API request until its answer starts, and for silence within an answer (kubectl'\''s flag; 0 for none). Failed requests are retried with backoff]:DURATION:_default' \
'--qps=[Client-side limit of API requests per second (kubectl'\''s default; 0 for none)]:QPS:_default' \
'--burst=[Requests allowed at once above --qps]:N:_default' \
'-v+[Log level on stderr, like kubectl\: 6 each API request (verb, path, status, duration), 8 also retry, budget and circuit-breaker decisions and exec stream events. Never tokens, headers or file contents]:N:_default' \
'--verbosity=[Log level on stderr, like kubectl\: 6 each API request (verb, path, status, duration), 8 also retry, budget and circuit-breaker decisions and exec stream events. Never tokens, headers or file contents]:N:_default' \
'--log-format=[Log format for -v\: text, or json (one object per line, for CI log collectors)]:FORMAT:(text json)' \
'--concurrency=[How many containers to scan at once]:N:_default' \
'--max-file-size=[Largest file content read per file, in bytes (e.g. 1048576, 512Ki, 4Mi)]:BYTES:_default' \
'--color=[When to colour the table]:WHEN:(auto always never)' \
'(--threshold-inline)--threshold=[SAF threshold file (YAML or JSON, nested or flattened keys); each container is checked and the exit code is 3 if one violates it, 0 if all meet it]:FILE:_files' \
'--threshold-inline=[SAF threshold inline, e.g. '\''{compliance.min\: 80, failed.critical.max\: 0}'\'']:RULES:_default' \
'*--report=[Also write a report file\: FORMAT=PATH, FORMAT one of json, junit, sarif, markdown, table (repeatable)]:FORMAT=PATH:_default' \
'--post-results=[POST each HDF document (application/json) to this http(s) URL, after the results are written locally; exit code 4 if it cannot be delivered]:URL:_default' \
'(--post-token-file)--post-token-env=[Environment variable that holds the bearer token for --post-results \[default\: CINC_SCAN_POST_TOKEN, if set\]]:NAME:_default' \
'--post-token-file=[File that holds the bearer token for --post-results]:PATH:_files' \
'--post-ca-file=[PEM bundle of the CAs to trust for --post-results, --pushgateway, --alertmanager and --alert-webhook (instead of the system'\''s)]:PEM:_files' \
'--post-timeout=[Time limit for each request to --post-results, --pushgateway, --alertmanager or --alert-webhook, e.g. 30s]:DURATION:_default' \
'--post-retries=[Retries of each such request after a 5xx, 429 or connection error (with backoff and jitter, or the server'\''s Retry-After)]:N:_default' \
'--metrics-file=[Write Prometheus metrics of the run to this file (atomically; for node_exporter'\''s textfile collector, name it *.prom)]:PATH:_files' \
'--metrics-format=[Format of --metrics-file\: Prometheus text 0.0.4, or OpenMetrics 1.0]:FORMAT:((text\:"Prometheus text format 0.0.4"
openmetrics\:"OpenMetrics 1.0 text"))' \
'*--extra-label=[Add a label to every metric and alert, e.g. cluster=prod (repeatable)]:NAME=VALUE:_default' \
'--pushgateway=[PUT the metrics to this Prometheus Pushgateway (http(s)\://host\:9091) after the scan; exit code 4 if it cannot be delivered]:URL:_default' \
'--pushgateway-job=[The job of the Pushgateway grouping key]:NAME:_default' \
'*--pushgateway-group=[A label of the Pushgateway grouping key (repeatable) \[default\: instance=<the kubeconfig context; in-cluster inside a pod; the host name for --root>\]]:NAME=VALUE:_default' \
'(--pushgateway-token-file --pushgateway-basic-auth-file --pushgateway-basic-auth-env)--pushgateway-token-env=[Environment variable with a bearer token for --pushgateway \[default\: CINC_SCAN_PUSHGATEWAY_TOKEN, if set\]]:NAME:_default' \
'(--pushgateway-basic-auth-file --pushgateway-basic-auth-env)--pushgateway-token-file=[File with a bearer token for --pushgateway]:PATH:_files' \
'(--pushgateway-basic-auth-env)--pushgateway-basic-auth-file=[File with USER\:PASSWORD for basic auth to --pushgateway]:PATH:_files' \
'--pushgateway-basic-auth-env=[Environment variable with USER\:PASSWORD for basic auth to --pushgateway]:NAME:_default' \
'--alert-on=[Alert on failed controls of this severity or higher]:SEVERITY:((critical\:""
high\:""
medium\:""
low\:""
none\:"Every failed control"))' \
'--alert-expire-after=[How long an alert stays firing without a new scan (its endsAt), e.g. 2h; set it above the time between scans]:DURATION:_default' \
'--alertmanager=[POST alerts for failed controls and violated thresholds to this Alertmanager (http(s)\://host\:9093; its /api/v2/alerts); exit code 4 if it cannot be delivered]:URL:_default' \
'(--alertmanager-token-file --alertmanager-basic-auth-file --alertmanager-basic-auth-env)--alertmanager-token-env=[Environment variable with a bearer token for --alertmanager \[default\: CINC_SCAN_ALERTMANAGER_TOKEN, if set\]]:NAME:_default' \
'(--alertmanager-basic-auth-file --alertmanager-basic-auth-env)--alertmanager-token-file=[File with a bearer token for --alertmanager]:PATH:_files' \
'(--alertmanager-basic-auth-env)--alertmanager-basic-auth-file=[File with USER\:PASSWORD for basic auth to --alertmanager]:PATH:_files' \
'--alertmanager-basic-auth-env=[Environment variable with USER\:PASSWORD for basic auth to --alertmanager]:NAME:_default' \
'--alert-webhook=[POST alerts to this webhook in --alert-format; exit code 4 if it cannot be delivered]:URL:_default' \
'--alert-format=[Body of --alert-webhook\: one JSON document per run, one CloudEvents 1.0 event (structured mode) per alert, or one Slack incoming-webhook message per run]:FORMAT:(json cloudevents slack)' \
'(--alert-webhook-token-file)--alert-webhook-token-env=[Environment variable with a bearer token for --alert-webhook \[default\: CINC_SCAN_ALERT_WEBHOOK_TOKEN, if set\]]:NAME:_default' \
'--alert-webhook-token-file=[File with a bearer token for --alert-webhook]:PATH:_files' \
'--alert-state=[JSON file (0600) of the alerts that were firing\: with it, controls that pass again send resolved alerts]:FILE:_files' \
'--no-stdout-results[Do not print the full results as framed gzip+base64 lines on stdout]' \
'-R[With -f DIR, read its subdirectories too]' \
'--recursive[With -f DIR, read its subdirectories too]' \
'-A[Look for pods in every namespace (with -l, --all, or alone)]' \
'--all-namespaces[Look for pods in every namespace (with -l, --all, or alone)]' \
'--all[Scan every pod of the namespace]' \
'--ephemeral-identity[Scan as a ServiceAccount made for this scan only\: a Role limited to the target pods and the verbs of --access, a token from TokenRequest; all removed at the end]' \
'-q[Print only results\: no progress, no notes on stderr]' \
'--quiet[Print only results\: no progress, no notes on stderr]' \
'--no-progress[Do not draw progress bars]' \
'--metrics-per-control[Also one series per control (cinc_scan_control_status) in --metrics-file and --pushgateway\: many more series]' \
'-h[Print help (see more with '\''--help'\'')]' \
'--help[Print help (see more with '\''--help'\'')]' \
'*::targets -- Pods or workloads to scan\: NAME, pod/NAME, deploy/NAME, sts/NAME, ds/NAME, rs/NAME, rc/NAME, job/NAME, cronjob/NAME (its active jobs); kubectl'\''s plural and long names work too:_default' \
&& ret=0
;;
(results)
_arguments "${_arguments_options[@]}" : \
'-n+[Namespace of the Job, its ServiceAccount and (without -A) nothing else (default\: the context'\''s namespace)]:NAMESPACE:_default' \
'--namespace=[Namespace of the Job, its ServiceAccount and (without -A) nothing else (default\: the context'\''s namespace)]:NAMESPACE:_default' \
'--kubeconfig=[Path to the kubeconfig file]:PATH:_files' \
'--context=[The kubeconfig context to use]:NAME:_default' \
'-o+[Output format on stdout]:OUTPUT:((table\:"A table for people (the default)"
json\:"HDF (InSpec exec-json), one document per container and line"
junit\:"JUnit XML\: a testsuite per container, a testcase per control"
sarif\:"SARIF 2.1.0 (GitHub code scanning)\: failed controls as results"
markdown\:"A Markdown summary (for \$GITHUB_STEP_SUMMARY or a merge-request comment)"))' \
'--output=[Output format on stdout]:OUTPUT:((table\:"A table for people (the default)"
json\:"HDF (InSpec exec-json), one document per container and line"
junit\:"JUnit XML\: a testsuite per container, a testcase per control"
sarif\:"SARIF 2.1.0 (GitHub code scanning)\: failed controls as results"
markdown\:"A Markdown summary (for \$GITHUB_STEP_SUMMARY or a merge-request comment)"))' \
'--output-dir=[Also write one HDF JSON file per container into this directory]:DIR:_files' \
'(--threshold-inline)--threshold=[SAF threshold file; exit code 3 if a container violates it]:FILE:_files' \
'--threshold-inline=[SAF threshold inline, e.g. '\''{compliance.min\: 80}'\'']:RULES:_default' \
'*--report=[Also write a report file\: FORMAT=PATH (repeatable)]:FORMAT=PATH:_default' \
'--color=[When to colour the table]:WHEN:(auto always never)' \
'-q[Print only results]' \
'--quiet[Print only results]' \
'-h[Print help (see more with '\''--help'\'')]' \
'--help[Print help (see more with '\''--help'\'')]' \
':name -- The Job (or a CronJob\: its most recent Job):_default' \
&& ret=0
;;
(delete)
_arguments "${_arguments_options[@]}" : \
'-n+[Namespace of the Job, its ServiceAccount and (without -A) nothing else (default\: the context'\''s namespace)]:NAMESPACE:_default' \
'--namespace=[Namespace of the Job, its ServiceAccount and (without -A) nothing else (default\: the context'\''s namespace)]:NAMESPACE:_default' \
'--kubeconfig=[Path to the kubeconfig file]:PATH:_files' \
'--context=[The kubeconfig context to use]:NAME:_default' \
'-h[Print help]' \
'--help[Print help]' \
':name -- The Job or CronJob:_default' \
&& ret=0
;;
(help)
_arguments "${_arguments_options[@]}" : \
":: :_kubectl-cinc_scan__subcmd__job__subcmd__help_commands" \
"*::: :->help" \
&& ret=0

    case $state in
    (help)
        words=($line[1] "${words[@]}")
        (( CURRENT += 1 ))
        curcontext="${curcontext%:*:*}:kubectl-cinc_scan-job-help-command-$line[1]:"
        case $line[1] in
            (run)
_arguments "${_arguments_options[@]}" : \
&& ret=0
;;
(results)
_arguments "${_arguments_options[@]}" : \
&& ret=0
;;
(delete)
_arguments "${_arguments_options[@]}" : \
&& ret=0
;;
(help)
_arguments "${_arguments_options[@]}" : \
&& ret=0
;;
        esac
    ;;
esac
;;
        esac
    ;;
esac
;;
(cleanup)
_arguments "${_arguments_options[@]}" : \
'-n+[Only this namespace (default\: every namespace)]:NAMESPACE:_default' \
'--namespace=[Only this namespace (default\: every namespace)]:NAMESPACE:_default' \
'--kubeconfig=[Path to the kubeconfig file]:PATH:_files' \
'--context=[The kubeconfig context to use]:NAME:_default' \
'--all[Also remove leftovers that have not expired yet (a scan may still be using them)]' \
'--dry-run[Print what would be removed, remove nothing]' \
'-h[Print help]' \
'--help[Print help]' \
&& ret=0
;;
(token)
_arguments "${_arguments_options[@]}" : \
'--write-kubeconfig=[Where to write the kubeconfig (mode 0600; the token is never printed)]:PATH:_files' \
'--duration=[How long the token is valid (at least 10m)]:DURATION:_default' \
'-n+[Namespace of the ServiceAccount (default\: the context'\''s namespace)]:NAMESPACE:_default' \
'--namespace=[Namespace of the ServiceAccount (default\: the context'\''s namespace)]:NAMESPACE:_default' \
'--kubeconfig=[Path to the kubeconfig used to ask for the token]:PATH:_files' \
'--context=[The kubeconfig context to use]:NAME:_default' \
'-h[Print help]' \
'--help[Print help]' \
':service_account -- The ServiceAccount (e.g. the one `kubectl cinc-scan rbac` creates):_default' \
&& ret=0
;;
(sidecar)
_arguments "${_arguments_options[@]}" : \
'-h[Print help]' \
'--help[Print help]' \
":: :_kubectl-cinc_scan__subcmd__sidecar_commands" \
"*::: :->sidecar" \
&& ret=0

    case $state in
    (sidecar)
        words=($line[1] "${words[@]}")
        (( CURRENT += 1 ))
        curcontext="${curcontext%:*:*}:kubectl-cinc_scan-sidecar-command-$line[1]:"
        case $line[1] in
            (inject)
_arguments "${_arguments_options[@]}" : \
'*-f+[Manifest file to read (repeatable; \`-\` or none\: stdin). YAML or JSON, multi-document]:PATH:_files' \
'*--filename=[Manifest file to read (repeatable; \`-\` or none\: stdin). YAML or JSON, multi-document]:PATH:_files' \
'*-c+[App container to scan (repeatable; default\: every app container of each pod)]:NAME:_default' \
'*--target=[App container to scan (repeatable; default\: every app container of each pod)]:NAME:_default' \
'--image=[The scanner image (built from the repository'\''s Containerfile)]:IMAGE:_default' \
'--image-pull-policy=[Pull policy of the scanner image]:POLICY:(Always IfNotPresent Never)' \
'--interval=[Time between two scans in the pod]:DURATION:_default' \
'--keep=[Results kept per target on the volume]:N:_default' \
'*--profile=[Built-in profile to run (repeatable, builtin\:NAME; default\: builtin\:container-baseline)]:builtin:NAME:_default' \
'--profile-configmap=[ConfigMap whose keys are profile YAML files, mounted into the sidecar and run]:NAME:_default' \
'(--threshold-configmap)--threshold-inline=[SAF threshold inline, e.g. '\''{compliance.min\: 80}'\''; each log line says met/violated]:RULES:_default' \
'--threshold-configmap=[ConfigMap with a key threshold.yml (a SAF threshold file), mounted into the sidecar]:NAME:_default' \
'--post-results=[POST each result to this URL from the pod (same retries as a scan'\''s --post-results)]:URL:_default' \
'--post-token-secret=[Secret and key holding the bearer token for --post-results\: NAME/KEY (passed as an environment variable from the Secret, never in the manifest)]:SECRET/KEY:_default' \
'--run-as-user=[The uid the targets run as, when neither the pod nor the container securityContext says (the image'\''s USER\: e.g. 65532 for distroless nonroot, 0 for root)]:UID:_default' \
'--run-as-group=[The gid the targets run as (default\: their runAsGroup, else the same number as the uid)]:GID:_default' \
'--results-size-limit=[Size limit of the emptyDir results volume]:QUANTITY:_default' \
'--legacy-sidecar[A plain container instead of a native sidecar (clusters before 1.29; a Job then never completes)]' \
'-h[Print help]' \
'--help[Print help]' \
&& ret=0
;;
(results)
_arguments "${_arguments_options[@]}" : \
'-l+[Label selector of the pods, e.g. -l app=web]:SELECTOR:_default' \
'--selector=[Label selector of the pods, e.g. -l app=web]:SELECTOR:_default' \
'-n+[Namespace (default\: the context'\''s namespace)]:NAMESPACE:_default' \
'--namespace=[Namespace (default\: the context'\''s namespace)]:NAMESPACE:_default' \
'*-c+[Only this app container'\''s results (repeatable)]:NAME:_default' \
'*--container=[Only this app container'\''s results (repeatable)]:NAME:_default' \
'-o+[Output format on stdout]:OUTPUT:((table\:"A table for people (the default)"
json\:"HDF (InSpec exec-json), one document per container and line"
junit\:"JUnit XML\: a testsuite per container, a testcase per control"
sarif\:"SARIF 2.1.0 (GitHub code scanning)\: failed controls as results"
markdown\:"A Markdown summary (for \$GITHUB_STEP_SUMMARY or a merge-request comment)"))' \
'--output=[Output format on stdout]:OUTPUT:((table\:"A table for people (the default)"
json\:"HDF (InSpec exec-json), one document per container and line"
junit\:"JUnit XML\: a testsuite per container, a testcase per control"
sarif\:"SARIF 2.1.0 (GitHub code scanning)\: failed controls as results"
markdown\:"A Markdown summary (for \$GITHUB_STEP_SUMMARY or a merge-request comment)"))' \
'(--threshold-inline)--threshold=[SAF threshold file; exit code 3 if a result violates it, 0 if all meet it]:FILE:_files' \
'--threshold-inline=[SAF threshold inline, e.g. '\''{compliance.min\: 80}'\'']:RULES:_default' \
'--timeout=[Time limit for fetching one pod'\''s results]:DURATION:_default' \
'--color=[When to colour the table]:WHEN:(auto always never)' \
'--context=[The kubeconfig context to use]:NAME:_default' \
'--kubeconfig=[Path to the kubeconfig file]:PATH:_files' \
'--all[Every kept result, oldest first, not only the newest]' \
'-q[Print only results, no notes on stderr]' \
'--quiet[Print only results, no notes on stderr]' \
'-h[Print help (see more with '\''--help'\'')]' \
'--help[Print help (see more with '\''--help'\'')]' \
'*::targets -- pod/NAME, NAME, or a workload\: deploy/NAME, sts/NAME, ds/NAME, rs/NAME, job/NAME:_default' \
&& ret=0
;;
(run)
_arguments "${_arguments_options[@]}" : \
'*--target=[Scan only this container (repeatable; default\: every container marked CINC_SCAN_TARGET=<name> by \`sidecar inject\`)]:NAME:_default' \
'--interval=[Time between two scans]:DURATION:_default' \
'--keep=[How many results to keep per target]:N:_default' \
'--results-dir=[Where the results volume is mounted]:DIR:_files' \
'*--profile=[Profile\: a YAML file, a directory (e.g. a mounted ConfigMap) or builtin\:NAME (repeatable; default\: builtin\:container-baseline)]:PATH|builtin:NAME:_default' \
'(--threshold-inline)--threshold=[SAF threshold file; the log line says whether each scan meets it]:FILE:_files' \
'--threshold-inline=[SAF threshold inline, e.g. '\''{compliance.min\: 80, failed.critical.max\: 0}'\'']:RULES:_default' \
'--post-results=[POST each HDF document to this http(s) URL after it is written (token from \$CINC_SCAN_POST_TOKEN or --post-token-file; same retries as a scan'\''s --post-results)]:URL:_default' \
'--post-token-file=[File that holds the bearer token for --post-results (e.g. a mounted Secret)]:PATH:_files' \
'--post-ca-file=[PEM bundle of the CAs to trust for --post-results]:PEM:_files' \
'--post-timeout=[Time limit for each POST]:DURATION:_default' \
'--post-retries=[Retries of a POST after a 5xx, 429 or connection error]:N:_default' \
'--max-file-size=[Largest file content read per file (e.g. 1Mi)]:BYTES:_default' \
'--timeout=[Time limit of one target'\''s scan (0 for none)]:DURATION:_default' \
'--discover=[How to find the targets\: env (the CINC_SCAN_TARGET marker in their environment, no API rights), api (the pod'\''s own status through its ServiceAccount, matched to /proc/<pid>/cgroup; needs get on pods), auto (env, then api when a target is missing and a ServiceAccount token is mounted)]:DISCOVER:(auto env api)' \
'--proc-dir=[The proc filesystem to look for targets in (tests)]:DIR:_files' \
'--once[Scan once and exit with the scan'\''s code (for tests and Jobs; a native sidecar must not exit)]' \
'-h[Print help]' \
'--help[Print help]' \
&& ret=0
;;
(cat)
_arguments "${_arguments_options[@]}" : \
'*--target=[Only this container'\''s results (repeatable)]:NAME:_default' \
'--results-dir=[Where the results volume is mounted]:DIR:_files' \
'--all[Every kept result, oldest first, not only the newest]' \
'-h[Print help]' \
'--help[Print help]' \
&& ret=0
;;
(help)
_arguments "${_arguments_options[@]}" : \
":: :_kubectl-cinc_scan__subcmd__sidecar__subcmd__help_commands" \
"*::: :->help" \
&& ret=0

    case $state in
    (help)
        words=($line[1] "${words[@]}")
        (( CURRENT += 1 ))
        curcontext="${curcontext%:*:*}:kubectl-cinc_scan-sidecar-help-command-$line[1]:"
        case $line[1] in
            (inject)
_arguments "${_arguments_options[@]}" : \
&& ret=0
;;
(results)
_arguments "${_arguments_options[@]}" : \
&& ret=0
;;
(run)
_arguments "${_arguments_options[@]}" : \
&& ret=0
;;
(cat)
_arguments "${_arguments_options[@]}" : \
&& ret=0
;;
(help)
_arguments "${_arguments_options[@]}" : \
&& ret=0
;;
        esac
    ;;
esac
;;
        esac
    ;;
esac
;;
(help)
_arguments "${_arguments_options[@]}" : \
":: :_kubectl-cinc_scan__subcmd__help_commands" \
"*::: :->help" \
&& ret=0

    case $state in
    (help)
        words=($line[1] "${words[@]}")
        (( CURRENT += 1 ))
        curcontext="${curcontext%:*:*}:kubectl-cinc_scan-help-command-$line[1]:"
        case $line[1] in
            (profiles)
_arguments "${_arguments_options[@]}" : \
":: :_kubectl-cinc_scan__subcmd__help__subcmd__profiles_commands" \
"*::: :->profiles" \
&& ret=0

    case $state in
    (profiles)
        words=($line[1] "${words[@]}")
        (( CURRENT += 1 ))
        curcontext="${curcontext%:*:*}:kubectl-cinc_scan-help-profiles-command-$line[1]:"
        case $line[1] in
            (list)
_arguments "${_arguments_options[@]}" : \
&& ret=0
;;
(show)
_arguments "${_arguments_options[@]}" : \
&& ret=0
;;
(schema)
_arguments "${_arguments_options[@]}" : \
&& ret=0
;;
        esac
    ;;
esac
;;
(completion)
_arguments "${_arguments_options[@]}" : \
&& ret=0
;;
(rbac)
_arguments "${_arguments_options[@]}" : \
&& ret=0
;;
(job)
_arguments "${_arguments_options[@]}" : \
":: :_kubectl-cinc_scan__subcmd__help__subcmd__job_commands" \
"*::: :->job" \
&& ret=0

    case $state in
    (job)
        words=($line[1] "${words[@]}")
        (( CURRENT += 1 ))
        curcontext="${curcontext%:*:*}:kubectl-cinc_scan-help-job-command-$line[1]:"
        case $line[1] in
            (run)
_arguments "${_arguments_options[@]}" : \
&& ret=0
;;
(results)
_arguments "${_arguments_options[@]}" : \
&& ret=0
;;
(delete)
_arguments "${_arguments_options[@]}" : \
&& ret=0
;;
        esac
    ;;
esac
;;
(cleanup)
_arguments "${_arguments_options[@]}" : \
&& ret=0
;;
(token)
_arguments "${_arguments_options[@]}" : \
&& ret=0
;;
(sidecar)
_arguments "${_arguments_options[@]}" : \
":: :_kubectl-cinc_scan__subcmd__help__subcmd__sidecar_commands" \
"*::: :->sidecar" \
&& ret=0

    case $state in
    (sidecar)
        words=($line[1] "${words[@]}")
        (( CURRENT += 1 ))
        curcontext="${curcontext%:*:*}:kubectl-cinc_scan-help-sidecar-command-$line[1]:"
        case $line[1] in
            (inject)
_arguments "${_arguments_options[@]}" : \
&& ret=0
;;
(results)
_arguments "${_arguments_options[@]}" : \
&& ret=0
;;
(run)
_arguments "${_arguments_options[@]}" : \
&& ret=0
;;
(cat)
_arguments "${_arguments_options[@]}" : \
&& ret=0
;;
        esac
    ;;
esac
;;
(help)
_arguments "${_arguments_options[@]}" : \
&& ret=0
;;
        esac
    ;;
esac
;;
        esac
    ;;
esac
}

(( $+functions[_kubectl-cinc_scan_commands] )) ||
_kubectl-cinc_scan_commands() {
    local commands; commands=(
'profiles:List, show or describe profiles' \
'completion:Print a shell completion script (bash, zsh, fish, powershell, elvish)' \
'rbac:Print the least-privilege ServiceAccount, Role and binding a scan needs' \
'job:Print or apply a sharded in-cluster scan (Indexed Job or CronJob); run, merge or delete it' \
'cleanup:Remove what --ephemeral-identity runs left behind (after a kill -9) once they expired' \
'token:Write a kubeconfig with a short-lived token of a ServiceAccount (file mode 0600)' \
'sidecar:Scan from inside the pod\: inject a scanner sidecar into manifests, fetch its results' \
'help:Print this message or the help of the given subcommand(s)' \
    )
    _describe -t commands 'kubectl-cinc_scan commands' commands "$@"
}
(( $+functions[_kubectl-cinc_scan__subcmd__cleanup_commands] )) ||
_kubectl-cinc_scan__subcmd__cleanup_commands() {
    local commands; commands=()
    _describe -t commands 'kubectl-cinc_scan cleanup commands' commands "$@"
}
(( $+functions[_kubectl-cinc_scan__subcmd__completion_commands] )) ||
_kubectl-cinc_scan__subcmd__completion_commands() {
    local commands; commands=()
    _describe -t commands 'kubectl-cinc_scan completion commands' commands "$@"
}
(( $+functions[_kubectl-cinc_scan__subcmd__help_commands] )) ||
_kubectl-cinc_scan__subcmd__help_commands() {
    local commands; commands=(
'profiles:List, show or describe profiles' \
'completion:Print a shell completion script (bash, zsh, fish, powershell, elvish)' \
'rbac:Print the least-privilege ServiceAccount, Role and binding a scan needs' \
'job:Print or apply a sharded in-cluster scan (Indexed Job or CronJob); run, merge or delete it' \
'cleanup:Remove what --ephemeral-identity runs left behind (after a kill -9) once they expired' \
'token:Write a kubeconfig with a short-lived token of a ServiceAccount (file mode 0600)' \
'sidecar:Scan from inside the pod\: inject a scanner sidecar into manifests, fetch its results' \
'help:Print this message or the help of the given subcommand(s)' \
    )
    _describe -t commands 'kubectl-cinc_scan help commands' commands "$@"
}
(( $+functions[_kubectl-cinc_scan__subcmd__help__subcmd__cleanup_commands] )) ||
_kubectl-cinc_scan__subcmd__help__subcmd__cleanup_commands() {
    local commands; commands=()
    _describe -t commands 'kubectl-cinc_scan help cleanup commands' commands "$@"
}
(( $+functions[_kubectl-cinc_scan__subcmd__help__subcmd__completion_commands] )) ||
_kubectl-cinc_scan__subcmd__help__subcmd__completion_commands() {
    local commands; commands=()
    _describe -t commands 'kubectl-cinc_scan help completion commands' commands "$@"
}
(( $+functions[_kubectl-cinc_scan__subcmd__help__subcmd__help_commands] )) ||
_kubectl-cinc_scan__subcmd__help__subcmd__help_commands() {
    local commands; commands=()
    _describe -t commands 'kubectl-cinc_scan help help commands' commands "$@"
}
(( $+functions[_kubectl-cinc_scan__subcmd__help__subcmd__job_commands] )) ||
_kubectl-cinc_scan__subcmd__help__subcmd__job_commands() {
    local commands; commands=(
'run:Scan one shard (what each pod of the Job runs; JOB_COMPLETION_INDEX is the shard)' \
'results:Merge a Job'\''s shard results from its pods'\'' logs and print them like a local scan' \
'delete:Delete every object \`kubectl cinc-scan job\` made for NAME' \
    )
    _describe -t commands 'kubectl-cinc_scan help job commands' commands "$@"
}
(( $+functions[_kubectl-cinc_scan__subcmd__help__subcmd__job__subcmd__delete_commands] )) ||
_kubectl-cinc_scan__subcmd__help__subcmd__job__subcmd__delete_commands() {
    local commands; commands=()
    _describe -t commands 'kubectl-cinc_scan help job delete commands' commands "$@"
}
(( $+functions[_kubectl-cinc_scan__subcmd__help__subcmd__job__subcmd__results_commands] )) ||
_kubectl-cinc_scan__subcmd__help__subcmd__job__subcmd__results_commands() {
    local commands; commands=()
    _describe -t commands 'kubectl-cinc_scan help job results commands' commands "$@"
}
(( $+functions[_kubectl-cinc_scan__subcmd__help__subcmd__job__subcmd__run_commands] )) ||
_kubectl-cinc_scan__subcmd__help__subcmd__job__subcmd__run_commands() {
    local commands; commands=()
    _describe -t commands 'kubectl-cinc_scan help job run commands' commands "$@"
}
(( $+functions[_kubectl-cinc_scan__subcmd__help__subcmd__profiles_commands] )) ||
_kubectl-cinc_scan__subcmd__help__subcmd__profiles_commands() {
    local commands; commands=(
'list:List the built-in profiles (the default)' \
'show:Print a built-in profile'\''s YAML, or check a profile file and list its controls' \
'schema:Print the JSON Schema of the profile format' \
    )
    _describe -t commands 'kubectl-cinc_scan help profiles commands' commands "$@"
}
(( $+functions[_kubectl-cinc_scan__subcmd__help__subcmd__profiles__subcmd__list_commands] )) ||
_kubectl-cinc_scan__subcmd__help__subcmd__profiles__subcmd__list_commands() {
    local commands; commands=()
    _describe -t commands 'kubectl-cinc_scan help profiles list commands' commands "$@"
}
(( $+functions[_kubectl-cinc_scan__subcmd__help__subcmd__profiles__subcmd__schema_commands] )) ||
_kubectl-cinc_scan__subcmd__help__subcmd__profiles__subcmd__schema_commands() {
    local commands; commands=()
    _describe -t commands 'kubectl-cinc_scan help profiles schema commands' commands "$@"
}
(( $+functions[_kubectl-cinc_scan__subcmd__help__subcmd__profiles__subcmd__show_commands] )) ||
_kubectl-cinc_scan__subcmd__help__subcmd__profiles__subcmd__show_commands() {
    local commands; commands=()
    _describe -t commands 'kubectl-cinc_scan help profiles show commands' commands "$@"
}
(( $+functions[_kubectl-cinc_scan__subcmd__help__subcmd__rbac_commands] )) ||
_kubectl-cinc_scan__subcmd__help__subcmd__rbac_commands() {
    local commands; commands=()
    _describe -t commands 'kubectl-cinc_scan help rbac commands' commands "$@"
}
(( $+functions[_kubectl-cinc_scan__subcmd__help__subcmd__sidecar_commands] )) ||
_kubectl-cinc_scan__subcmd__help__subcmd__sidecar_commands() {
    local commands; commands=(
'inject:Rewrite manifests (Pod, Deployment, StatefulSet, DaemonSet, ReplicaSet, Job, CronJob, List) to run the scanner as a sidecar' \
'results:Fetch and print the sidecar'\''s latest results (through exec of the scanner binary)' \
'run:In-pod mode, run by the scanner container\: scan the pod'\''s targets every --interval' \
'cat:In-pod mode\: print the newest HDF document of each target, one per line' \
    )
    _describe -t commands 'kubectl-cinc_scan help sidecar commands' commands "$@"
}
(( $+functions[_kubectl-cinc_scan__subcmd__help__subcmd__sidecar__subcmd__cat_commands] )) ||
_kubectl-cinc_scan__subcmd__help__subcmd__sidecar__subcmd__cat_commands() {
    local commands; commands=()
    _describe -t commands 'kubectl-cinc_scan help sidecar cat commands' commands "$@"
}
(( $+functions[_kubectl-cinc_scan__subcmd__help__subcmd__sidecar__subcmd__inject_commands] )) ||
_kubectl-cinc_scan__subcmd__help__subcmd__sidecar__subcmd__inject_commands() {
    local commands; commands=()
    _describe -t commands 'kubectl-cinc_scan help sidecar inject commands' commands "$@"
}
(( $+functions[_kubectl-cinc_scan__subcmd__help__subcmd__sidecar__subcmd__results_commands] )) ||
_kubectl-cinc_scan__subcmd__help__subcmd__sidecar__subcmd__results_commands() {
    local commands; commands=()
    _describe -t commands 'kubectl-cinc_scan help sidecar results commands' commands "$@"
}
(( $+functions[_kubectl-cinc_scan__subcmd__help__subcmd__sidecar__subcmd__run_commands] )) ||
_kubectl-cinc_scan__subcmd__help__subcmd__sidecar__subcmd__run_commands() {
    local commands; commands=()
    _describe -t commands 'kubectl-cinc_scan help sidecar run commands' commands "$@"
}
(( $+functions[_kubectl-cinc_scan__subcmd__help__subcmd__token_commands] )) ||
_kubectl-cinc_scan__subcmd__help__subcmd__token_commands() {
    local commands; commands=()
    _describe -t commands 'kubectl-cinc_scan help token commands' commands "$@"
}
(( $+functions[_kubectl-cinc_scan__subcmd__job_commands] )) ||
_kubectl-cinc_scan__subcmd__job_commands() {
    local commands; commands=(
'run:Scan one shard (what each pod of the Job runs; JOB_COMPLETION_INDEX is the shard)' \
'results:Merge a Job'\''s shard results from its pods'\'' logs and print them like a local scan' \
'delete:Delete every object \`kubectl cinc-scan job\` made for NAME' \
'help:Print this message or the help of the given subcommand(s)' \
    )
    _describe -t commands 'kubectl-cinc_scan job commands' commands "$@"
}
(( $+functions[_kubectl-cinc_scan__subcmd__job__subcmd__delete_commands] )) ||
_kubectl-cinc_scan__subcmd__job__subcmd__delete_commands() {
    local commands; commands=()
    _describe -t commands 'kubectl-cinc_scan job delete commands' commands "$@"
}
(( $+functions[_kubectl-cinc_scan__subcmd__job__subcmd__help_commands] )) ||
_kubectl-cinc_scan__subcmd__job__subcmd__help_commands() {
    local commands; commands=(
'run:Scan one shard (what each pod of the Job runs; JOB_COMPLETION_INDEX is the shard)' \
'results:Merge a Job'\''s shard results from its pods'\'' logs and print them like a local scan' \
'delete:Delete every object \`kubectl cinc-scan job\` made for NAME' \
'help:Print this message or the help of the given subcommand(s)' \
    )
    _describe -t commands 'kubectl-cinc_scan job help commands' commands "$@"
}
(( $+functions[_kubectl-cinc_scan__subcmd__job__subcmd__help__subcmd__delete_commands] )) ||
_kubectl-cinc_scan__subcmd__job__subcmd__help__subcmd__delete_commands() {
    local commands; commands=()
    _describe -t commands 'kubectl-cinc_scan job help delete commands' commands "$@"
}
(( $+functions[_kubectl-cinc_scan__subcmd__job__subcmd__help__subcmd__help_commands] )) ||
_kubectl-cinc_scan__subcmd__job__subcmd__help__subcmd__help_commands() {
    local commands; commands=()
    _describe -t commands 'kubectl-cinc_scan job help help commands' commands "$@"
}
(( $+functions[_kubectl-cinc_scan__subcmd__job__subcmd__help__subcmd__results_commands] )) ||
_kubectl-cinc_scan__subcmd__job__subcmd__help__subcmd__results_commands() {
    local commands; commands=()
    _describe -t commands 'kubectl-cinc_scan job help results commands' commands "$@"
}
(( $+functions[_kubectl-cinc_scan__subcmd__job__subcmd__help__subcmd__run_commands] )) ||
_kubectl-cinc_scan__subcmd__job__subcmd__help__subcmd__run_commands() {
    local commands; commands=()
    _describe -t commands 'kubectl-cinc_scan job help run commands' commands "$@"
}
(( $+functions[_kubectl-cinc_scan__subcmd__job__subcmd__results_commands] )) ||
_kubectl-cinc_scan__subcmd__job__subcmd__results_commands() {
    local commands; commands=()
    _describe -t commands 'kubectl-cinc_scan job results commands' commands "$@"
}
(( $+functions[_kubectl-cinc_scan__subcmd__job__subcmd__run_commands] )) ||
_kubectl-cinc_scan__subcmd__job__subcmd__run_commands() {
    local commands; commands=()
    _describe -t commands 'kubectl-cinc_scan job run commands' commands "$@"
}
(( $+functions[_kubectl-cinc_scan__subcmd__profiles_commands] )) ||
_kubectl-cinc_scan__subcmd__profiles_commands() {
    local commands; commands=(
'list:List the built-in profiles (the default)' \
'show:Print a built-in profile'\''s YAML, or check a profile file and list its controls' \
'schema:Print the JSON Schema of the profile format' \
'help:Print this message or the help of the given subcommand(s)' \
    )
    _describe -t commands 'kubectl-cinc_scan profiles commands' commands "$@"
}
(( $+functions[_kubectl-cinc_scan__subcmd__profiles__subcmd__help_commands] )) ||
_kubectl-cinc_scan__subcmd__profiles__subcmd__help_commands() {
    local commands; commands=(
'list:List the built-in profiles (the default)' \
'show:Print a built-in profile'\''s YAML, or check a profile file and list its controls' \
'schema:Print the JSON Schema of the profile format' \
'help:Print this message or the help of the given subcommand(s)' \
    )
    _describe -t commands 'kubectl-cinc_scan profiles help commands' commands "$@"
}
(( $+functions[_kubectl-cinc_scan__subcmd__profiles__subcmd__help__subcmd__help_commands] )) ||
_kubectl-cinc_scan__subcmd__profiles__subcmd__help__subcmd__help_commands() {
    local commands; commands=()
    _describe -t commands 'kubectl-cinc_scan profiles help help commands' commands "$@"
}
(( $+functions[_kubectl-cinc_scan__subcmd__profiles__subcmd__help__subcmd__list_commands] )) ||
_kubectl-cinc_scan__subcmd__profiles__subcmd__help__subcmd__list_commands() {
    local commands; commands=()
    _describe -t commands 'kubectl-cinc_scan profiles help list commands' commands "$@"
}
(( $+functions[_kubectl-cinc_scan__subcmd__profiles__subcmd__help__subcmd__schema_commands] )) ||
_kubectl-cinc_scan__subcmd__profiles__subcmd__help__subcmd__schema_commands() {
    local commands; commands=()
    _describe -t commands 'kubectl-cinc_scan profiles help schema commands' commands "$@"
}
(( $+functions[_kubectl-cinc_scan__subcmd__profiles__subcmd__help__subcmd__show_commands] )) ||
_kubectl-cinc_scan__subcmd__profiles__subcmd__help__subcmd__show_commands() {
    local commands; commands=()
    _describe -t commands 'kubectl-cinc_scan profiles help show commands' commands "$@"
}
(( $+functions[_kubectl-cinc_scan__subcmd__profiles__subcmd__list_commands] )) ||
_kubectl-cinc_scan__subcmd__profiles__subcmd__list_commands() {
    local commands; commands=()
    _describe -t commands 'kubectl-cinc_scan profiles list commands' commands "$@"
}
(( $+functions[_kubectl-cinc_scan__subcmd__profiles__subcmd__schema_commands] )) ||
_kubectl-cinc_scan__subcmd__profiles__subcmd__schema_commands() {
    local commands; commands=()
    _describe -t commands 'kubectl-cinc_scan profiles schema commands' commands "$@"
}
(( $+functions[_kubectl-cinc_scan__subcmd__profiles__subcmd__show_commands] )) ||
_kubectl-cinc_scan__subcmd__profiles__subcmd__show_commands() {
    local commands; commands=()
    _describe -t commands 'kubectl-cinc_scan profiles show commands' commands "$@"
}
(( $+functions[_kubectl-cinc_scan__subcmd__rbac_commands] )) ||
_kubectl-cinc_scan__subcmd__rbac_commands() {
    local commands; commands=()
    _describe -t commands 'kubectl-cinc_scan rbac commands' commands "$@"
}
(( $+functions[_kubectl-cinc_scan__subcmd__sidecar_commands] )) ||
_kubectl-cinc_scan__subcmd__sidecar_commands() {
    local commands; commands=(
'inject:Rewrite manifests (Pod, Deployment, StatefulSet, DaemonSet, ReplicaSet, Job, CronJob, List) to run the scanner as a sidecar' \
'results:Fetch and print the sidecar'\''s latest results (through exec of the scanner binary)' \
'run:In-pod mode, run by the scanner container\: scan the pod'\''s targets every --interval' \
'cat:In-pod mode\: print the newest HDF document of each target, one per line' \
'help:Print this message or the help of the given subcommand(s)' \
    )
    _describe -t commands 'kubectl-cinc_scan sidecar commands' commands "$@"
}
(( $+functions[_kubectl-cinc_scan__subcmd__sidecar__subcmd__cat_commands] )) ||
_kubectl-cinc_scan__subcmd__sidecar__subcmd__cat_commands() {
    local commands; commands=()
    _describe -t commands 'kubectl-cinc_scan sidecar cat commands' commands "$@"
}
(( $+functions[_kubectl-cinc_scan__subcmd__sidecar__subcmd__help_commands] )) ||
_kubectl-cinc_scan__subcmd__sidecar__subcmd__help_commands() {
    local commands; commands=(
'inject:Rewrite manifests (Pod, Deployment, StatefulSet, DaemonSet, ReplicaSet, Job, CronJob, List) to run the scanner as a sidecar' \
'results:Fetch and print the sidecar'\''s latest results (through exec of the scanner binary)' \
'run:In-pod mode, run by the scanner container\: scan the pod'\''s targets every --interval' \
'cat:In-pod mode\: print the newest HDF document of each target, one per line' \
'help:Print this message or the help of the given subcommand(s)' \
    )
    _describe -t commands 'kubectl-cinc_scan sidecar help commands' commands "$@"
}
(( $+functions[_kubectl-cinc_scan__subcmd__sidecar__subcmd__help__subcmd__cat_commands] )) ||
_kubectl-cinc_scan__subcmd__sidecar__subcmd__help__subcmd__cat_commands() {
    local commands; commands=()
    _describe -t commands 'kubectl-cinc_scan sidecar help cat commands' commands "$@"
}
(( $+functions[_kubectl-cinc_scan__subcmd__sidecar__subcmd__help__subcmd__help_commands] )) ||
_kubectl-cinc_scan__subcmd__sidecar__subcmd__help__subcmd__help_commands() {
    local commands; commands=()
    _describe -t commands 'kubectl-cinc_scan sidecar help help commands' commands "$@"
}
(( $+functions[_kubectl-cinc_scan__subcmd__sidecar__subcmd__help__subcmd__inject_commands] )) ||
_kubectl-cinc_scan__subcmd__sidecar__subcmd__help__subcmd__inject_commands() {
    local commands; commands=()
    _describe -t commands 'kubectl-cinc_scan sidecar help inject commands' commands "$@"
}
(( $+functions[_kubectl-cinc_scan__subcmd__sidecar__subcmd__help__subcmd__results_commands] )) ||
_kubectl-cinc_scan__subcmd__sidecar__subcmd__help__subcmd__results_commands() {
    local commands; commands=()
    _describe -t commands 'kubectl-cinc_scan sidecar help results commands' commands "$@"
}
(( $+functions[_kubectl-cinc_scan__subcmd__sidecar__subcmd__help__subcmd__run_commands] )) ||
_kubectl-cinc_scan__subcmd__sidecar__subcmd__help__subcmd__run_commands() {
    local commands; commands=()
    _describe -t commands 'kubectl-cinc_scan sidecar help run commands' commands "$@"
}
(( $+functions[_kubectl-cinc_scan__subcmd__sidecar__subcmd__inject_commands] )) ||
_kubectl-cinc_scan__subcmd__sidecar__subcmd__inject_commands() {
    local commands; commands=()
    _describe -t commands 'kubectl-cinc_scan sidecar inject commands' commands "$@"
}
(( $+functions[_kubectl-cinc_scan__subcmd__sidecar__subcmd__results_commands] )) ||
_kubectl-cinc_scan__subcmd__sidecar__subcmd__results_commands() {
    local commands; commands=()
    _describe -t commands 'kubectl-cinc_scan sidecar results commands' commands "$@"
}
(( $+functions[_kubectl-cinc_scan__subcmd__sidecar__subcmd__run_commands] )) ||
_kubectl-cinc_scan__subcmd__sidecar__subcmd__run_commands() {
    local commands; commands=()
    _describe -t commands 'kubectl-cinc_scan sidecar run commands' commands "$@"
}
(( $+functions[_kubectl-cinc_scan__subcmd__token_commands] )) ||
_kubectl-cinc_scan__subcmd__token_commands() {
    local commands; commands=()
    _describe -t commands 'kubectl-cinc_scan token commands' commands "$@"
}

if [ "$funcstack[1]" = "_kubectl-cinc_scan" ]; then
    _kubectl-cinc_scan "$@"
else
    compdef _kubectl-cinc_scan kubectl-cinc_scan
fi
