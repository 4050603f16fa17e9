# Print an optspec for argparse to handle cmd's options that are independent of any subcommand.
function __fish_kubectl_cinc_scan_global_optspecs
    string join \n f/filename= R/recursive n/namespace= A/all-namespaces l/selector= all c/container= context= cluster= user= kubeconfig= profile= o/output= output-dir= report-mode= access= debug-image= debug-pull-policy= debug-ttl= debug-profile= root= ephemeral-identity token-duration= timeout= deadline= request-timeout= qps= burst= v/verbosity= log-format= concurrency= max-file-size= q/quiet no-progress color= threshold= threshold-inline= report= post-results= post-token-env= post-token-file= post-ca-file= post-timeout= post-retries= metrics-file= metrics-format= metrics-per-control extra-label= pushgateway= pushgateway-job= pushgateway-group= pushgateway-token-env= pushgateway-token-file= pushgateway-basic-auth-file= pushgateway-basic-auth-env= alert-on= alert-expire-after= alertmanager= alertmanager-token-env= alertmanager-token-file= alertmanager-basic-auth-file= alertmanager-basic-auth-env= alert-webhook= alert-format= alert-webhook-token-env= alert-webhook-token-file= alert-state= h/help V/version
end

function __fish_kubectl_cinc_scan_needs_command
    # Figure out if the current invocation already has a command.
    set -l cmd (commandline -opc)
    set -e cmd[1]
    argparse -s (__fish_kubectl_cinc_scan_global_optspecs) -- $cmd 2>/dev/null
    or return
    if set -q argv[1]
        # Also print the command, so this can be used to figure out what it is.
        echo $argv[1]
        return 1
    end
    return 0
end

function __fish_kubectl_cinc_scan_using_subcommand
    set -l cmd (__fish_kubectl_cinc_scan_needs_command)
    test -z "$cmd"
    and return 1
    contains -- $cmd[1] $argv
end

complete -c kubectl-cinc_scan -n "__fish_kubectl_cinc_scan_needs_command" -s f -l filename -d 'Scan the live Pods and workloads of a manifest: a file, a directory of .yaml/.yml/.json files, or - for stdin (repeatable; the namespace comes from the manifest, else -n)' -r -F
complete -c kubectl-cinc_scan -n "__fish_kubectl_cinc_scan_needs_command" -s n -l namespace -d 'Namespace of the targets (default: the context\'s namespace)' -r
complete -c kubectl-cinc_scan -n "__fish_kubectl_cinc_scan_needs_command" -s l -l selector -d 'Label selector, e.g. -l app=web,tier!=cache' -r
complete -c kubectl-cinc_scan -n "__fish_kubectl_cinc_scan_needs_command" -s c -l container -d 'Container to scan, an app container or a running init container (repeatable; default: every app container and native sidecar)' -r
complete -c kubectl-cinc_scan -n "__fish_kubectl_cinc_scan_needs_command" -l context -d 'The kubeconfig context to use' -r
complete -c kubectl-cinc_scan -n "__fish_kubectl_cinc_scan_needs_command" -l cluster -d 'The kubeconfig cluster to use' -r
complete -c kubectl-cinc_scan -n "__fish_kubectl_cinc_scan_needs_command" -l user -d 'The kubeconfig user to use' -r
complete -c kubectl-cinc_scan -n "__fish_kubectl_cinc_scan_needs_command" -l kubeconfig -d 'Path to the kubeconfig file (default: $KUBECONFIG, then ~/.kube/config, then in-cluster)' -r -F
complete -c kubectl-cinc_scan -n "__fish_kubectl_cinc_scan_needs_command" -l profile -d 'Profile to run: a YAML file, a directory of them, or builtin:NAME (repeatable; default: builtin:container-baseline)' -r
complete -c kubectl-cinc_scan -n "__fish_kubectl_cinc_scan_needs_command" -s o -l output -d 'Output format on stdout' -r -f -a "table\t'A table for people (the default)'
json\t'HDF (InSpec exec-json), one document per container and line'
junit\t'JUnit XML: a testsuite per container, a testcase per control'
sarif\t'SARIF 2.1.0 (GitHub code scanning): failed controls as results'
markdown\t'A Markdown summary (for $GITHUB_STEP_SUMMARY or a merge-request comment)'"
complete -c kubectl-cinc_scan -n "__fish_kubectl_cinc_scan_needs_command" -l output-dir -d 'Also write one HDF JSON file per container into this directory' -r -F
complete -c kubectl-cinc_scan -n "__fish_kubectl_cinc_scan_needs_command" -l report-mode -d 'File mode of --report and --output-dir files, in octal [default: 0600: findings are sensitive]' -r
complete -c kubectl-cinc_scan -n "__fish_kubectl_cinc_scan_needs_command" -l access -d 'How to reach the container\'s filesystem' -r -f -a "auto\t'exec with the container\'s own shell; without one (distroless), a debug container'
exec\t'exec with the container\'s own shell; fail if it has none'
debug\t'an ephemeral debug container reading the target\'s root at /proc/<pid>/root'"
complete -c kubectl-cinc_scan -n "__fish_kubectl_cinc_scan_needs_command" -l debug-image -d 'Image of the ephemeral debug container for containers without a shell (needs sh, find, stat, xargs, head; mirror it into your registry for air-gapped clusters)' -r
complete -c kubectl-cinc_scan -n "__fish_kubectl_cinc_scan_needs_command" -l debug-pull-policy -d 'Pull policy of the debug image' -r -f -a "Always\t''
IfNotPresent\t''
Never\t''"
complete -c kubectl-cinc_scan -n "__fish_kubectl_cinc_scan_needs_command" -l debug-ttl -d 'How long a debug container lives (it sleeps, then exits; Kubernetes never removes it)' -r
complete -c kubectl-cinc_scan -n "__fish_kubectl_cinc_scan_needs_command" -l debug-profile -d 'Security profile of the debug container (kubectl debug\'s meanings; auto picks the least privilege that can read the target)' -r -f -a "auto\t'Mirror the target\'s uid/gid with nothing extra (restricted-compatible for non-root targets, baseline for root ones); learn the uid first when the pod spec does not say'
restricted\t'Non-root, all capabilities dropped, no privilege escalation, RuntimeDefault seccomp'
baseline\t'No security context: the debug image\'s user with the runtime\'s default capabilities'
general\t'Adds SYS_PTRACE: reads any target, needs a namespace that allows it'
sysadmin\t'Privileged'"
complete -c kubectl-cinc_scan -n "__fish_kubectl_cinc_scan_needs_command" -l root -d 'Scan a directory tree instead of a cluster (an unpacked image, a mount, or /)' -r -F
complete -c kubectl-cinc_scan -n "__fish_kubectl_cinc_scan_needs_command" -l token-duration -d 'How long the --ephemeral-identity token is valid (at least 10m; longer than the scan)' -r
complete -c kubectl-cinc_scan -n "__fish_kubectl_cinc_scan_needs_command" -l timeout -d 'Time limit for each container, e.g. 90s, 2m (0 for none)' -r
complete -c kubectl-cinc_scan -n "__fish_kubectl_cinc_scan_needs_command" -l deadline -d 'Time limit for the whole run: finding the targets, permission checks and every container (0 for none); containers not finished by then are reported as errors' -r
complete -c kubectl-cinc_scan -n "__fish_kubectl_cinc_scan_needs_command" -l request-timeout -d 'Time limit for one API request until its answer starts, and for silence within an answer (kubectl\'s flag; 0 for none). Failed requests are retried with backoff' -r
complete -c kubectl-cinc_scan -n "__fish_kubectl_cinc_scan_needs_command" -l qps -d 'Client-side limit of API requests per second (kubectl\'s default; 0 for none)' -r
complete -c kubectl-cinc_scan -n "__fish_kubectl_cinc_scan_needs_command" -l burst -d 'Requests allowed at once above --qps' -r
complete -c kubectl-cinc_scan -n "__fish_kubectl_cinc_scan_needs_command" -s v -l verbosity -d 'Log level on stderr, like kubectl: 6 each API request (verb, path, status, duration), 8 also retry, budget and circuit-breaker decisions and exec stream events. Never tokens, headers or file contents' -r
complete -c kubectl-cinc_scan -n "__fish_kubectl_cinc_scan_needs_command" -l log-format -d 'Log format for -v: text, or json (one object per line, for CI log collectors)' -r -f -a "text\t''
json\t''"
complete -c kubectl-cinc_scan -n "__fish_kubectl_cinc_scan_needs_command" -l concurrency -d 'How many containers to scan at once' -r
complete -c kubectl-cinc_scan -n "__fish_kubectl_cinc_scan_needs_command" -l max-file-size -d 'Largest file content read per file, in bytes (e.g. 1048576, 512Ki, 4Mi)' -r
complete -c kubectl-cinc_scan -n "__fish_kubectl_cinc_scan_needs_command" -l color -d 'When to colour the table' -r -f -a "auto\t''
always\t''
never\t''"
complete -c kubectl-cinc_scan -n "__fish_kubectl_cinc_scan_needs_command" -l threshold -d 'SAF threshold file (YAML or JSON, nested or flattened keys); each container is checked and the exit code is 3 if one violates it, 0 if all meet it' -r -F
complete -c kubectl-cinc_scan -n "__fish_kubectl_cinc_scan_needs_command" -l threshold-inline -d 'SAF threshold inline, e.g. \'{compliance.min: 80, failed.critical.max: 0}\'' -r
complete -c kubectl-cinc_scan -n "__fish_kubectl_cinc_scan_needs_command" -l report -d 'Also write a report file: FORMAT=PATH, FORMAT one of json, junit, sarif, markdown, table (repeatable)' -r
complete -c kubectl-cinc_scan -n "__fish_kubectl_cinc_scan_needs_command" -l post-results -d 'POST each HDF document (application/json) to this http(s) URL, after the results are written locally; exit code 4 if it cannot be delivered' -r
complete -c kubectl-cinc_scan -n "__fish_kubectl_cinc_scan_needs_command" -l post-token-env -d 'Environment variable that holds the bearer token for --post-results [default: CINC_SCAN_POST_TOKEN, if set]' -r
complete -c kubectl-cinc_scan -n "__fish_kubectl_cinc_scan_needs_command" -l post-token-file -d 'File that holds the bearer token for --post-results' -r -F
complete -c kubectl-cinc_scan -n "__fish_kubectl_cinc_scan_needs_command" -l post-ca-file -d 'PEM bundle of the CAs to trust for --post-results, --pushgateway, --alertmanager and --alert-webhook (instead of the system\'s)' -r -F
complete -c kubectl-cinc_scan -n "__fish_kubectl_cinc_scan_needs_command" -l post-timeout -d 'Time limit for each request to --post-results, --pushgateway, --alertmanager or --alert-webhook, e.g. 30s' -r
complete -c kubectl-cinc_scan -n "__fish_kubectl_cinc_scan_needs_command" -l post-retries -d 'Retries of each such request after a 5xx, 429 or connection error (with backoff and jitter, or the server\'s Retry-After)' -r
complete -c kubectl-cinc_scan -n "__fish_kubectl_cinc_scan_needs_command" -l metrics-file -d 'Write Prometheus metrics of the run to this file (atomically; for node_exporter\'s textfile collector, name it *.prom)' -r -F
complete -c kubectl-cinc_scan -n "__fish_kubectl_cinc_scan_needs_command" -l metrics-format -d 'Format of --metrics-file: Prometheus text 0.0.4, or OpenMetrics 1.0' -r -f -a "text\t'Prometheus text format 0.0.4'
openmetrics\t'OpenMetrics 1.0 text'"
complete -c kubectl-cinc_scan -n "__fish_kubectl_cinc_scan_needs_command" -l extra-label -d 'Add a label to every metric and alert, e.g. cluster=prod (repeatable)' -r
complete -c kubectl-cinc_scan -n "__fish_kubectl_cinc_scan_needs_command" -l pushgateway -d 'PUT the metrics to this Prometheus Pushgateway (http(s)://host:9091) after the scan; exit code 4 if it cannot be delivered' -r
complete -c kubectl-cinc_scan -n "__fish_kubectl_cinc_scan_needs_command" -l pushgateway-job -d 'The job of the Pushgateway grouping key' -r
complete -c kubectl-cinc_scan -n "__fish_kubectl_cinc_scan_needs_command" -l pushgateway-group -d 'A label of the Pushgateway grouping key (repeatable) [default: instance=<the kubeconfig context; in-cluster inside a pod; the host name for --root>]' -r
complete -c kubectl-cinc_scan -n "__fish_kubectl_cinc_scan_needs_command" -l pushgateway-token-env -d 'Environment variable with a bearer token for --pushgateway [default: CINC_SCAN_PUSHGATEWAY_TOKEN, if set]' -r
complete -c kubectl-cinc_scan -n "__fish_kubectl_cinc_scan_needs_command" -l pushgateway-token-file -d 'File with a bearer token for --pushgateway' -r -F
complete -c kubectl-cinc_scan -n "__fish_kubectl_cinc_scan_needs_command" -l pushgateway-basic-auth-file -d 'File with USER:PASSWORD for basic auth to --pushgateway' -r -F
complete -c kubectl-cinc_scan -n "__fish_kubectl_cinc_scan_needs_command" -l pushgateway-basic-auth-env -d 'Environment variable with USER:PASSWORD for basic auth to --pushgateway' -r
complete -c kubectl-cinc_scan -n "__fish_kubectl_cinc_scan_needs_command" -l alert-on -d 'Alert on failed controls of this severity or higher' -r -f -a "critical\t''
high\t''
medium\t''
low\t''
none\t'Every failed control'"
complete -c kubectl-cinc_scan -n "__fish_kubectl_cinc_scan_needs_command" -l alert-expire-after -d 'How long an alert stays firing without a new scan (its endsAt), e.g. 2h; set it above the time between scans' -r
complete -c kubectl-cinc_scan -n "__fish_kubectl_cinc_scan_needs_command" -l alertmanager -d 'POST alerts for failed controls and violated thresholds to this Alertmanager (http(s)://host:9093; its /api/v2/alerts); exit code 4 if it cannot be delivered' -r
complete -c kubectl-cinc_scan -n "__fish_kubectl_cinc_scan_needs_command" -l alertmanager-token-env -d 'Environment variable with a bearer token for --alertmanager [default: CINC_SCAN_ALERTMANAGER_TOKEN, if set]' -r
complete -c kubectl-cinc_scan -n "__fish_kubectl_cinc_scan_needs_command" -l alertmanager-token-file -d 'File with a bearer token for --alertmanager' -r -F
complete -c kubectl-cinc_scan -n "__fish_kubectl_cinc_scan_needs_command" -l alertmanager-basic-auth-file -d 'File with USER:PASSWORD for basic auth to --alertmanager' -r -F
complete -c kubectl-cinc_scan -n "__fish_kubectl_cinc_scan_needs_command" -l alertmanager-basic-auth-env -d 'Environment variable with USER:PASSWORD for basic auth to --alertmanager' -r
complete -c kubectl-cinc_scan -n "__fish_kubectl_cinc_scan_needs_command" -l alert-webhook -d 'POST alerts to this webhook in --alert-format; exit code 4 if it cannot be delivered' -r
complete -c kubectl-cinc_scan -n "__fish_kubectl_cinc_scan_needs_command" -l alert-format -d 'Body of --alert-webhook: one JSON document per run, one CloudEvents 1.0 event (structured mode) per alert, or one Slack incoming-webhook message per run' -r -f -a "json\t''
cloudevents\t''
slack\t''"
complete -c kubectl-cinc_scan -n "__fish_kubectl_cinc_scan_needs_command" -l alert-webhook-token-env -d 'Environment variable with a bearer token for --alert-webhook [default: CINC_SCAN_ALERT_WEBHOOK_TOKEN, if set]' -r
complete -c kubectl-cinc_scan -n "__fish_kubectl_cinc_scan_needs_command" -l alert-webhook-token-file -d 'File with a bearer token for --alert-webhook' -r -F
complete -c kubectl-cinc_scan -n "__fish_kubectl_cinc_scan_needs_command" -l alert-state -d 'JSON file (0600) of the alerts that were firing: with it, controls that pass again send resolved alerts' -r -F
complete -c kubectl-cinc_scan -n "__fish_kubectl_cinc_scan_needs_command" -s R -l recursive -d 'With -f DIR, read its subdirectories too'
complete -c kubectl-cinc_scan -n "__fish_kubectl_cinc_scan_needs_command" -s A -l all-namespaces -d 'Look for pods in every namespace (with -l, --all, or alone)'
complete -c kubectl-cinc_scan -n "__fish_kubectl_cinc_scan_needs_command" -l all -d 'Scan every pod of the namespace'
complete -c kubectl-cinc_scan -n "__fish_kubectl_cinc_scan_needs_command" -l ephemeral-identity -d 'Scan as a ServiceAccount made for this scan only: a Role limited to the target pods and the verbs of --access, a token from TokenRequest; all removed at the end'
complete -c kubectl-cinc_scan -n "__fish_kubectl_cinc_scan_needs_command" -s q -l quiet -d 'Print only results: no progress, no notes on stderr'
complete -c kubectl-cinc_scan -n "__fish_kubectl_cinc_scan_needs_command" -l no-progress -d 'Do not draw progress bars'
complete -c kubectl-cinc_scan -n "__fish_kubectl_cinc_scan_needs_command" -l metrics-per-control -d 'Also one series per control (cinc_scan_control_status) in --metrics-file and --pushgateway: many more series'
complete -c kubectl-cinc_scan -n "__fish_kubectl_cinc_scan_needs_command" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c kubectl-cinc_scan -n "__fish_kubectl_cinc_scan_needs_command" -s V -l version -d 'Print version'
complete -c kubectl-cinc_scan -n "__fish_kubectl_cinc_scan_needs_command" -a "profiles" -d 'List, show or describe profiles'
complete -c kubectl-cinc_scan -n "__fish_kubectl_cinc_scan_needs_command" -a "completion" -d 'Print a shell completion script (bash, zsh, fish, powershell, elvish)'
complete -c kubectl-cinc_scan -n "__fish_kubectl_cinc_scan_needs_command" -a "rbac" -d 'Print the least-privilege ServiceAccount, Role and binding a scan needs'
complete -c kubectl-cinc_scan -n "__fish_kubectl_cinc_scan_needs_command" -a "job" -d 'Print or apply a sharded in-cluster scan (Indexed Job or CronJob); run, merge or delete it'
complete -c kubectl-cinc_scan -n "__fish_kubectl_cinc_scan_needs_command" -a "cleanup" -d 'Remove what --ephemeral-identity runs left behind (after a kill -9) once they expired'
complete -c kubectl-cinc_scan -n "__fish_kubectl_cinc_scan_needs_command" -a "token" -d 'Write a kubeconfig with a short-lived token of a ServiceAccount (file mode 0600)'
complete -c kubectl-cinc_scan -n "__fish_kubectl_cinc_scan_needs_command" -a "sidecar" -d 'Scan from inside the pod: inject a scanner sidecar into manifests, fetch its results'
complete -c kubectl-cinc_scan -n "__fish_kubectl_cinc_scan_needs_command" -a "help" -d 'Print this message or the help of the given subcommand(s)'
complete -c kubectl-cinc_scan -n "__fish_kubectl_cinc_scan_using_subcommand profiles; and not __fish_seen_subcommand_from list show schema help" -s h -l help -d 'Print help'
complete -c kubectl-cinc_scan -n "__fish_kubectl_cinc_scan_using_subcommand profiles; and not __fish_seen_subcommand_from list show schema help" -f -a "list" -d 'List the built-in profiles (the default)'
complete -c kubectl-cinc_scan -n "__fish_kubectl_cinc_scan_using_subcommand profiles; and not __fish_seen_subcommand_from list show schema help" -f -a "show" -d 'Print a built-in profile\'s YAML, or check a profile file and list its controls'
complete -c kubectl-cinc_scan -n "__fish_kubectl_cinc_scan_using_subcommand profiles; and not __fish_seen_subcommand_from list show schema help" -f -a "schema" -d 'Print the JSON Schema of the profile format'
complete -c kubectl-cinc_scan -n "__fish_kubectl_cinc_scan_using_subcommand profiles; and not __fish_seen_subcommand_from list show schema help" -f -a "help" -d 'Print this message or the help of the given subcommand(s)'
complete -c kubectl-cinc_scan -n "__fish_kubectl_cinc_scan_using_subcommand profiles; and __fish_seen_subcommand_from list" -s h -l help -d 'Print help'
complete -c kubectl-cinc_scan -n "__fish_kubectl_cinc_scan_using_subcommand profiles; and __fish_seen_subcommand_from show" -s h -l help -d 'Print help'
complete -c kubectl-cinc_scan -n "__fish_kubectl_cinc_scan_using_subcommand profiles; and __fish_seen_subcommand_from schema" -s h -l help -d 'Print help'
complete -c kubectl-cinc_scan -n "__fish_kubectl_cinc_scan_using_subcommand profiles; and __fish_seen_subcommand_from help" -f -a "list" -d 'List the built-in profiles (the default)'
complete -c kubectl-cinc_scan -n "__fish_kubectl_cinc_scan_using_subcommand profiles; and __fish_seen_subcommand_from help" -f -a "show" -d 'Print a built-in profile\'s YAML, or check a profile file and list its controls'
complete -c kubectl-cinc_scan -n "__fish_kubectl_cinc_scan_using_subcommand profiles; and __fish_seen_subcommand_from help" -f -a "schema" -d 'Print the JSON Schema of the profile format'
complete -c kubectl-cinc_scan -n "__fish_kubectl_cinc_scan_using_subcommand profiles; and __fish_seen_subcommand_from help" -f -a "help" -d 'Print this message or the help of the given subcommand(s)'
complete -c kubectl-cinc_scan -n "__fish_kubectl_cinc_scan_using_subcommand completion" -s h -l help -d 'Print help'
complete -c kubectl-cinc_scan -n "__fish_kubectl_cinc_scan_using_subcommand rbac" -s n -l namespace -d 'Namespace of the ServiceAccount and Role (default: the context\'s namespace)' -r
complete -c kubectl-cinc_scan -n "__fish_kubectl_cinc_scan_using_subcommand rbac" -l service-account -d 'Name of the ServiceAccount to bind' -r
complete -c kubectl-cinc_scan -n "__fish_kubectl_cinc_scan_using_subcommand rbac" -l kubeconfig -d 'The kubeconfig to read the context\'s namespace from' -r -F
complete -c kubectl-cinc_scan -n "__fish_kubectl_cinc_scan_using_subcommand rbac" -l context -d 'The kubeconfig context whose namespace is the default' -r
complete -c kubectl-cinc_scan -n "__fish_kubectl_cinc_scan_using_subcommand rbac" -s A -l all-namespaces -d 'A ClusterRole, for scans in every namespace'
complete -c kubectl-cinc_scan -n "__fish_kubectl_cinc_scan_using_subcommand rbac" -l no-debug -d 'Leave out patch on pods/ephemeralcontainers (no distroless scans)'
complete -c kubectl-cinc_scan -n "__fish_kubectl_cinc_scan_using_subcommand rbac" -s h -l help -d 'Print help'
complete -c kubectl-cinc_scan -n "__fish_kubectl_cinc_scan_using_subcommand job; and not __fish_seen_subcommand_from run results delete help" -s n -l namespace -d 'Namespace of the Job, its ServiceAccount and (without -A) nothing else (default: the context\'s namespace)' -r
complete -c kubectl-cinc_scan -n "__fish_kubectl_cinc_scan_using_subcommand job; and not __fish_seen_subcommand_from run results delete help" -l kubeconfig -d 'Path to the kubeconfig file' -r -F
complete -c kubectl-cinc_scan -n "__fish_kubectl_cinc_scan_using_subcommand job; and not __fish_seen_subcommand_from run results delete help" -l context -d 'The kubeconfig context to use' -r
complete -c kubectl-cinc_scan -n "__fish_kubectl_cinc_scan_using_subcommand job; and not __fish_seen_subcommand_from run results delete help" -l target-namespace -d 'Namespace whose pods the Job scans (repeatable; default: the Job\'s namespace)' -r
complete -c kubectl-cinc_scan -n "__fish_kubectl_cinc_scan_using_subcommand job; and not __fish_seen_subcommand_from run results delete help" -s l -l selector -d 'Label selector of the pods to scan, e.g. -l app=web' -r
complete -c kubectl-cinc_scan -n "__fish_kubectl_cinc_scan_using_subcommand job; and not __fish_seen_subcommand_from run results delete help" -s c -l container -d 'Container to scan in each pod (repeatable; default: every app container)' -r
complete -c kubectl-cinc_scan -n "__fish_kubectl_cinc_scan_using_subcommand job; and not __fish_seen_subcommand_from run results delete help" -l shards -d 'Number of shards: the Job\'s completions and (unless --parallelism) parallelism' -r
complete -c kubectl-cinc_scan -n "__fish_kubectl_cinc_scan_using_subcommand job; and not __fish_seen_subcommand_from run results delete help" -l parallelism -d 'How many shards run at once (default: all of them)' -r
complete -c kubectl-cinc_scan -n "__fish_kubectl_cinc_scan_using_subcommand job; and not __fish_seen_subcommand_from run results delete help" -l retries-per-shard -d 'Retries of a failed shard (per index, backoffLimitPerIndex)' -r
complete -c kubectl-cinc_scan -n "__fish_kubectl_cinc_scan_using_subcommand job; and not __fish_seen_subcommand_from run results delete help" -l deadline -d 'Time limit of the whole Job (activeDeadlineSeconds), e.g. 30m, 2h' -r
complete -c kubectl-cinc_scan -n "__fish_kubectl_cinc_scan_using_subcommand job; and not __fish_seen_subcommand_from run results delete help" -l schedule -d 'Run on a schedule: a CronJob with this cron expression, e.g. \'0 2 * * *\'' -r
complete -c kubectl-cinc_scan -n "__fish_kubectl_cinc_scan_using_subcommand job; and not __fish_seen_subcommand_from run results delete help" -l time-zone -d 'Time zone of --schedule (IANA name, e.g. Europe/Berlin; default: the controller\'s)' -r
complete -c kubectl-cinc_scan -n "__fish_kubectl_cinc_scan_using_subcommand job; and not __fish_seen_subcommand_from run results delete help" -l starting-deadline -d 'How late a scheduled run may still start (startingDeadlineSeconds)' -r
complete -c kubectl-cinc_scan -n "__fish_kubectl_cinc_scan_using_subcommand job; and not __fish_seen_subcommand_from run results delete help" -l image -d 'The scanner image: the plugin\'s static binary at /kubectl-cinc_scan' -r
complete -c kubectl-cinc_scan -n "__fish_kubectl_cinc_scan_using_subcommand job; and not __fish_seen_subcommand_from run results delete help" -l image-pull-policy -d 'Pull policy of the scanner image' -r -f -a "Always\t''
IfNotPresent\t''
Never\t''"
complete -c kubectl-cinc_scan -n "__fish_kubectl_cinc_scan_using_subcommand job; and not __fish_seen_subcommand_from run results delete help" -l profile -d 'Built-in profile each shard runs (repeatable; builtin:NAME only: the pod has no files)' -r
complete -c kubectl-cinc_scan -n "__fish_kubectl_cinc_scan_using_subcommand job; and not __fish_seen_subcommand_from run results delete help" -l access -d 'How each shard reaches a container\'s filesystem (exec: no debug permission)' -r -f -a "auto\t'exec with the container\'s own shell; without one (distroless), a debug container'
exec\t'exec with the container\'s own shell; fail if it has none'
debug\t'an ephemeral debug container reading the target\'s root at /proc/<pid>/root'"
complete -c kubectl-cinc_scan -n "__fish_kubectl_cinc_scan_using_subcommand job; and not __fish_seen_subcommand_from run results delete help" -l debug-image -d 'Image of the ephemeral debug container for distroless targets' -r
complete -c kubectl-cinc_scan -n "__fish_kubectl_cinc_scan_using_subcommand job; and not __fish_seen_subcommand_from run results delete help" -l debug-pull-policy -d 'Pull policy of the debug image' -r -f -a "Always\t''
IfNotPresent\t''
Never\t''"
complete -c kubectl-cinc_scan -n "__fish_kubectl_cinc_scan_using_subcommand job; and not __fish_seen_subcommand_from run results delete help" -l timeout -d 'Time limit for each container, e.g. 90s, 2m' -r
complete -c kubectl-cinc_scan -n "__fish_kubectl_cinc_scan_using_subcommand job; and not __fish_seen_subcommand_from run results delete help" -l concurrency -d 'How many containers each shard scans at once' -r
complete -c kubectl-cinc_scan -n "__fish_kubectl_cinc_scan_using_subcommand job; and not __fish_seen_subcommand_from run results delete help" -l post-results -d 'Each shard POSTs its HDF documents to this URL (reachable from the pods)' -r
complete -c kubectl-cinc_scan -n "__fish_kubectl_cinc_scan_using_subcommand job; and not __fish_seen_subcommand_from run results delete help" -l post-token-secret -d 'A Secret (in the Job\'s namespace) whose key `token` is the bearer token for --post-results (mounted read-only, never in the pod\'s environment)' -r
complete -c kubectl-cinc_scan -n "__fish_kubectl_cinc_scan_using_subcommand job; and not __fish_seen_subcommand_from run results delete help" -l page-size -d 'Pods listed per LIST request' -r
complete -c kubectl-cinc_scan -n "__fish_kubectl_cinc_scan_using_subcommand job; and not __fish_seen_subcommand_from run results delete help" -l linger -d 'Each shard stays alive this long after its scan (hidden: to test a schedule\'s overlap)' -r
complete -c kubectl-cinc_scan -n "__fish_kubectl_cinc_scan_using_subcommand job; and not __fish_seen_subcommand_from run results delete help" -s A -l all-namespaces -d 'Scan pods in every namespace (a ClusterRole instead of Roles)'
complete -c kubectl-cinc_scan -n "__fish_kubectl_cinc_scan_using_subcommand job; and not __fish_seen_subcommand_from run results delete help" -l apply -d 'Create the objects now (server-side apply) instead of printing them'
complete -c kubectl-cinc_scan -n "__fish_kubectl_cinc_scan_using_subcommand job; and not __fish_seen_subcommand_from run results delete help" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c kubectl-cinc_scan -n "__fish_kubectl_cinc_scan_using_subcommand job; and not __fish_seen_subcommand_from run results delete help" -a "run" -d 'Scan one shard (what each pod of the Job runs; JOB_COMPLETION_INDEX is the shard)'
complete -c kubectl-cinc_scan -n "__fish_kubectl_cinc_scan_using_subcommand job; and not __fish_seen_subcommand_from run results delete help" -a "results" -d 'Merge a Job\'s shard results from its pods\' logs and print them like a local scan'
complete -c kubectl-cinc_scan -n "__fish_kubectl_cinc_scan_using_subcommand job; and not __fish_seen_subcommand_from run results delete help" -a "delete" -d 'Delete every object `kubectl cinc-scan job` made for NAME'
complete -c kubectl-cinc_scan -n "__fish_kubectl_cinc_scan_using_subcommand job; and not __fish_seen_subcommand_from run results delete help" -a "help" -d 'Print this message or the help of the given subcommand(s)'
complete -c kubectl-cinc_scan -n "__fish_kubectl_cinc_scan_using_subcommand job; and __fish_seen_subcommand_from run" -l shard-index -d 'This shard\'s index, 0..N-1 (the Job controller sets JOB_COMPLETION_INDEX)' -r
complete -c kubectl-cinc_scan -n "__fish_kubectl_cinc_scan_using_subcommand job; and __fish_seen_subcommand_from run" -l shards -d 'Number of shards' -r
complete -c kubectl-cinc_scan -n "__fish_kubectl_cinc_scan_using_subcommand job; and __fish_seen_subcommand_from run" -l target-namespace -d 'Namespace to scan (repeatable; with neither this nor -A: the context\'s namespace)' -r
complete -c kubectl-cinc_scan -n "__fish_kubectl_cinc_scan_using_subcommand job; and __fish_seen_subcommand_from run" -l job-name -d 'The Job\'s name, written into the results' -r
complete -c kubectl-cinc_scan -n "__fish_kubectl_cinc_scan_using_subcommand job; and __fish_seen_subcommand_from run" -l page-size -d 'Pods listed per LIST request' -r
complete -c kubectl-cinc_scan -n "__fish_kubectl_cinc_scan_using_subcommand job; and __fish_seen_subcommand_from run" -l termination-log -d 'Write the shard\'s summary here (the pod\'s terminationMessagePath; "" for none)' -r -F
complete -c kubectl-cinc_scan -n "__fish_kubectl_cinc_scan_using_subcommand job; and __fish_seen_subcommand_from run" -l linger -d 'Stay alive this long after the scan (keeps the pod\'s slot, e.g. to test a schedule)' -r
complete -c kubectl-cinc_scan -n "__fish_kubectl_cinc_scan_using_subcommand job; and __fish_seen_subcommand_from run" -s f -l filename -d 'Scan the live Pods and workloads of a manifest: a file, a directory of .yaml/.yml/.json files, or - for stdin (repeatable; the namespace comes from the manifest, else -n)' -r -F
complete -c kubectl-cinc_scan -n "__fish_kubectl_cinc_scan_using_subcommand job; and __fish_seen_subcommand_from run" -s n -l namespace -d 'Namespace of the targets (default: the context\'s namespace)' -r
complete -c kubectl-cinc_scan -n "__fish_kubectl_cinc_scan_using_subcommand job; and __fish_seen_subcommand_from run" -s l -l selector -d 'Label selector, e.g. -l app=web,tier!=cache' -r
complete -c kubectl-cinc_scan -n "__fish_kubectl_cinc_scan_using_subcommand job; and __fish_seen_subcommand_from run" -s c -l container -d 'Container to scan, an app container or a running init container (repeatable; default: every app container and native sidecar)' -r
complete -c kubectl-cinc_scan -n "__fish_kubectl_cinc_scan_using_subcommand job; and __fish_seen_subcommand_from run" -l context -d 'The kubeconfig context to use' -r
complete -c kubectl-cinc_scan -n "__fish_kubectl_cinc_scan_using_subcommand job; and __fish_seen_subcommand_from run" -l cluster -d 'The kubeconfig cluster to use' -r
complete -c kubectl-cinc_scan -n "__fish_kubectl_cinc_scan_using_subcommand job; and __fish_seen_subcommand_from run" -l user -d 'The kubeconfig user to use' -r
complete -c kubectl-cinc_scan -n "__fish_kubectl_cinc_scan_using_subcommand job; and __fish_seen_subcommand_from run" -l kubeconfig -d 'Path to the kubeconfig file (default: $KUBECONFIG, then ~/.kube/config, then in-cluster)' -r -F
complete -c kubectl-cinc_scan -n "__fish_kubectl_cinc_scan_using_subcommand job; and __fish_seen_subcommand_from run" -l profile -d 'Profile to run: a YAML file, a directory of them, or builtin:NAME (repeatable; default: builtin:container-baseline)' -r
complete -c kubectl-cinc_scan -n "__fish_kubectl_cinc_scan_using_subcommand job; and __fish_seen_subcommand_from run" -s o -l output -d 'Output format on stdout' -r -f -a "table\t'A table for people (the default)'
json\t'HDF (InSpec exec-json), one document per container and line'
junit\t'JUnit XML: a testsuite per container, a testcase per control'
sarif\t'SARIF 2.1.0 (GitHub code scanning): failed controls as results'
markdown\t'A Markdown summary (for $GITHUB_STEP_SUMMARY or a merge-request comment)'"
complete -c kubectl-cinc_scan -n "__fish_kubectl_cinc_scan_using_subcommand job; and __fish_seen_subcommand_from run" -l output-dir -d 'Also write one HDF JSON file per container into this directory' -r -F
complete -c kubectl-cinc_scan -n "__fish_kubectl_cinc_scan_using_subcommand job; and __fish_seen_subcommand_from run" -l report-mode -d 'File mode of --report and --output-dir files, in octal [default: 0600: findings are sensitive]' -r
complete -c kubectl-cinc_scan -n "__fish_kubectl_cinc_scan_using_subcommand job; and __fish_seen_subcommand_from run" -l access -d 'How to reach the container\'s filesystem' -r -f -a "auto\t'exec with the container\'s own shell; without one (distroless), a debug container'
exec\t'exec with the container\'s own shell; fail if it has none'
debug\t'an ephemeral debug container reading the target\'s root at /proc/<pid>/root'"
complete -c kubectl-cinc_scan -n "__fish_kubectl_cinc_scan_using_subcommand job; and __fish_seen_subcommand_from run" -l debug-image -d 'Image of the ephemeral debug container for containers without a shell (needs sh, find, stat, xargs, head; mirror it into your registry for air-gapped clusters)' -r
complete -c kubectl-cinc_scan -n "__fish_kubectl_cinc_scan_using_subcommand job; and __fish_seen_subcommand_from run" -l debug-pull-policy -d 'Pull policy of the debug image' -r -f -a "Always\t''
IfNotPresent\t''
Never\t''"
complete -c kubectl-cinc_scan -n "__fish_kubectl_cinc_scan_using_subcommand job; and __fish_seen_subcommand_from run" -l debug-ttl -d 'How long a debug container lives (it sleeps, then exits; Kubernetes never removes it)' -r
complete -c kubectl-cinc_scan -n "__fish_kubectl_cinc_scan_using_subcommand job; and __fish_seen_subcommand_from run" -l debug-profile -d 'Security profile of the debug container (kubectl debug\'s meanings; auto picks the least privilege that can read the target)' -r -f -a "auto\t'Mirror the target\'s uid/gid with nothing extra (restricted-compatible for non-root targets, baseline for root ones); learn the uid first when the pod spec does not say'
restricted\t'Non-root, all capabilities dropped, no privilege escalation, RuntimeDefault seccomp'
baseline\t'No security context: the debug image\'s user with the runtime\'s default capabilities'
general\t'Adds SYS_PTRACE: reads any target, needs a namespace that allows it'
sysadmin\t'Privileged'"
complete -c kubectl-cinc_scan -n "__fish_kubectl_cinc_scan_using_subcommand job; and __fish_seen_subcommand_from run" -l root -d 'Scan a directory tree instead of a cluster (an unpacked image, a mount, or /)' -r -F
complete -c kubectl-cinc_scan -n "__fish_kubectl_cinc_scan_using_subcommand job; and __fish_seen_subcommand_from run" -l token-duration -d 'How long the --ephemeral-identity token is valid (at least 10m; longer than the scan)' -r
complete -c kubectl-cinc_scan -n "__fish_kubectl_cinc_scan_using_subcommand job; and __fish_seen_subcommand_from run" -l timeout -d 'Time limit for each container, e.g. 90s, 2m (0 for none)' -r
complete -c kubectl-cinc_scan -n "__fish_kubectl_cinc_scan_using_subcommand job; and __fish_seen_subcommand_from run" -l deadline -d 'Time limit for the whole run: finding the targets, permission checks and every container (0 for none); containers not finished by then are reported as errors' -r
complete -c kubectl-cinc_scan -n "__fish_kubectl_cinc_scan_using_subcommand job; and __fish_seen_subcommand_from run" -l request-timeout -d 'Time limit for one API request until its answer starts, and for silence within an answer (kubectl\'s flag; 0 for none). Failed requests are retried with backoff' -r
complete -c kubectl-cinc_scan -n "__fish_kubectl_cinc_scan_using_subcommand job; and __fish_seen_subcommand_from run" -l qps -d 'Client-side limit of API requests per second (kubectl\'s default; 0 for none)' -r
complete -c kubectl-cinc_scan -n "__fish_kubectl_cinc_scan_using_subcommand job; and __fish_seen_subcommand_from run" -l burst -d 'Requests allowed at once above --qps' -r
complete -c kubectl-cinc_scan -n "__fish_kubectl_cinc_scan_using_subcommand job; and __fish_seen_subcommand_from run" -s v -l verbosity -d 'Log level on stderr, like kubectl: 6 each API request (verb, path, status, duration), 8 also retry, budget and circuit-breaker decisions and exec stream events. Never tokens, headers or file contents' -r
complete -c kubectl-cinc_scan -n "__fish_kubectl_cinc_scan_using_subcommand job; and __fish_seen_subcommand_from run" -l log-format -d 'Log format for -v: text, or json (one object per line, for CI log collectors)' -r -f -a "text\t''
json\t''"
complete -c kubectl-cinc_scan -n "__fish_kubectl_cinc_scan_using_subcommand job; and __fish_seen_subcommand_from run" -l concurrency -d 'How many containers to scan at once' -r
complete -c kubectl-cinc_scan -n "__fish_kubectl_cinc_scan_using_subcommand job; and __fish_seen_subcommand_from run" -l max-file-size -d 'Largest file content read per file, in bytes (e.g. 1048576, 512Ki, 4Mi)' -r
complete -c kubectl-cinc_scan -n "__fish_kubectl_cinc_scan_using_subcommand job; and __fish_seen_subcommand_from run" -l color -d 'When to colour the table' -r -f -a "auto\t''
always\t''
never\t''"
complete -c kubectl-cinc_scan -n "__fish_kubectl_cinc_scan_using_subcommand job; and __fish_seen_subcommand_from run" -l threshold -d 'SAF threshold file (YAML or JSON, nested or flattened keys); each container is checked and the exit code is 3 if one violates it, 0 if all meet it' -r -F
complete -c kubectl-cinc_scan -n "__fish_kubectl_cinc_scan_using_subcommand job; and __fish_seen_subcommand_from run" -l threshold-inline -d 'SAF threshold inline, e.g. \'{compliance.min: 80, failed.critical.max: 0}\'' -r
complete -c kubectl-cinc_scan -n "__fish_kubectl_cinc_scan_using_subcommand job; and __fish_seen_subcommand_from run" -l report -d 'Also write a report file: FORMAT=PATH, FORMAT one of json, junit, sarif, markdown, table (repeatable)' -r
complete -c kubectl-cinc_scan -n "__fish_kubectl_cinc_scan_using_subcommand job; and __fish_seen_subcommand_from run" -l post-results -d 'POST each HDF document (application/json) to this http(s) URL, after the results are written locally; exit code 4 if it cannot be delivered' -r
complete -c kubectl-cinc_scan -n "__fish_kubectl_cinc_scan_using_subcommand job; and __fish_seen_subcommand_from run" -l post-token-env -d 'Environment variable that holds the bearer token for --post-results [default: CINC_SCAN_POST_TOKEN, if set]' -r
complete -c kubectl-cinc_scan -n "__fish_kubectl_cinc_scan_using_subcommand job; and __fish_seen_subcommand_from run" -l post-token-file -d 'File that holds the bearer token for --post-results' -r -F
complete -c kubectl-cinc_scan -n "__fish_kubectl_cinc_scan_using_subcommand job; and __fish_seen_subcommand_from run" -l post-ca-file -d 'PEM bundle of the CAs to trust for --post-results, --pushgateway, --alertmanager and --alert-webhook (instead of the system\'s)' -r -F
complete -c kubectl-cinc_scan -n "__fish_kubectl_cinc_scan_using_subcommand job; and __fish_seen_subcommand_from run" -l post-timeout -d 'Time limit for each request to --post-results, --pushgateway, --alertmanager or --alert-webhook, e.g. 30s' -r
complete -c kubectl-cinc_scan -n "__fish_kubectl_cinc_scan_using_subcommand job; and __fish_seen_subcommand_from run" -l post-retries -d 'Retries of each such request after a 5xx, 429 or connection error (with backoff and jitter, or the server\'s Retry-After)' -r
complete -c kubectl-cinc_scan -n "__fish_kubectl_cinc_scan_using_subcommand job; and __fish_seen_subcommand_from run" -l metrics-file -d 'Write Prometheus metrics of the run to this file (atomically; for node_exporter\'s textfile collector, name it *.prom)' -r -F
complete -c kubectl-cinc_scan -n "__fish_kubectl_cinc_scan_using_subcommand job; and __fish_seen_subcommand_from run" -l metrics-format -d 'Format of --metrics-file: Prometheus text 0.0.4, or OpenMetrics 1.0' -r -f -a "text\t'Prometheus text format 0.0.4'
openmetrics\t'OpenMetrics 1.0 text'"
complete -c kubectl-cinc_scan -n "__fish_kubectl_cinc_scan_using_subcommand job; and __fish_seen_subcommand_from run" -l extra-label -d 'Add a label to every metric and alert, e.g. cluster=prod (repeatable)' -r
complete -c kubectl-cinc_scan -n "__fish_kubectl_cinc_scan_using_subcommand job; and __fish_seen_subcommand_from run" -l pushgateway -d 'PUT the metrics to this Prometheus Pushgateway (http(s)://host:9091) after the scan; exit code 4 if it cannot be delivered' -r
complete -c kubectl-cinc_scan -n "__fish_kubectl_cinc_scan_using_subcommand job; and __fish_seen_subcommand_from run" -l pushgateway-job -d 'The job of the Pushgateway grouping key' -r
complete -c kubectl-cinc_scan -n "__fish_kubectl_cinc_scan_using_subcommand job; and __fish_seen_subcommand_from run" -l pushgateway-group -d 'A label of the Pushgateway grouping key (repeatable) [default: instance=<the kubeconfig context; in-cluster inside a pod; the host name for --root>]' -r
complete -c kubectl-cinc_scan -n "__fish_kubectl_cinc_scan_using_subcommand job; and __fish_seen_subcommand_from run" -l pushgateway-token-env -d 'Environment variable with a bearer token for --pushgateway [default: CINC_SCAN_PUSHGATEWAY_TOKEN, if set]' -r
complete -c kubectl-cinc_scan -n "__fish_kubectl_cinc_scan_using_subcommand job; and __fish_seen_subcommand_from run" -l pushgateway-token-file -d 'File with a bearer token for --pushgateway' -r -F
complete -c kubectl-cinc_scan -n "__fish_kubectl_cinc_scan_using_subcommand job; and __fish_seen_subcommand_from run" -l pushgateway-basic-auth-file -d 'File with USER:PASSWORD for basic auth to --pushgateway' -r -F
complete -c kubectl-cinc_scan -n "__fish_kubectl_cinc_scan_using_subcommand job; and __fish_seen_subcommand_from run" -l pushgateway-basic-auth-env -d 'Environment variable with USER:PASSWORD for basic auth to --pushgateway' -r
complete -c kubectl-cinc_scan -n "__fish_kubectl_cinc_scan_using_subcommand job; and __fish_seen_subcommand_from run" -l alert-on -d 'Alert on failed controls of this severity or higher' -r -f -a "critical\t''
high\t''
medium\t''
low\t''
none\t'Every failed control'"
complete -c kubectl-cinc_scan -n "__fish_kubectl_cinc_scan_using_subcommand job; and __fish_seen_subcommand_from run" -l alert-expire-after -d 'How long an alert stays firing without a new scan (its endsAt), e.g. 2h; set it above the time between scans' -r
complete -c kubectl-cinc_scan -n "__fish_kubectl_cinc_scan_using_subcommand job; and __fish_seen_subcommand_from run" -l alertmanager -d 'POST alerts for failed controls and violated thresholds to this Alertmanager (http(s)://host:9093; its /api/v2/alerts); exit code 4 if it cannot be delivered' -r
complete -c kubectl-cinc_scan -n "__fish_kubectl_cinc_scan_using_subcommand job; and __fish_seen_subcommand_from run" -l alertmanager-token-env -d 'Environment variable with a bearer token for --alertmanager [default: CINC_SCAN_ALERTMANAGER_TOKEN, if set]' -r
complete -c kubectl-cinc_scan -n "__fish_kubectl_cinc_scan_using_subcommand job; and __fish_seen_subcommand_from run" -l alertmanager-token-file -d 'File with a bearer token for --alertmanager' -r -F
complete -c kubectl-cinc_scan -n "__fish_kubectl_cinc_scan_using_subcommand job; and __fish_seen_subcommand_from run" -l alertmanager-basic-auth-file -d 'File with USER:PASSWORD for basic auth to --alertmanager' -r -F
complete -c kubectl-cinc_scan -n "__fish_kubectl_cinc_scan_using_subcommand job; and __fish_seen_subcommand_from run" -l alertmanager-basic-auth-env -d 'Environment variable with USER:PASSWORD for basic auth to --alertmanager' -r
complete -c kubectl-cinc_scan -n "__fish_kubectl_cinc_scan_using_subcommand job; and __fish_seen_subcommand_from run" -l alert-webhook -d 'POST alerts to this webhook in --alert-format; exit code 4 if it cannot be delivered' -r
complete -c kubectl-cinc_scan -n "__fish_kubectl_cinc_scan_using_subcommand job; and __fish_seen_subcommand_from run" -l alert-format -d 'Body of --alert-webhook: one JSON document per run, one CloudEvents 1.0 event (structured mode) per alert, or one Slack incoming-webhook message per run' -r -f -a "json\t''
cloudevents\t''
slack\t''"
complete -c kubectl-cinc_scan -n "__fish_kubectl_cinc_scan_using_subcommand job; and __fish_seen_subcommand_from run" -l alert-webhook-token-env -d 'Environment variable with a bearer token for --alert-webhook [default: CINC_SCAN_ALERT_WEBHOOK_TOKEN, if set]' -r
complete -c kubectl-cinc_scan -n "__fish_kubectl_cinc_scan_using_subcommand job; and __fish_seen_subcommand_from run" -l alert-webhook-token-file -d 'File with a bearer token for --alert-webhook' -r -F
complete -c kubectl-cinc_scan -n "__fish_kubectl_cinc_scan_using_subcommand job; and __fish_seen_subcommand_from run" -l alert-state -d 'JSON file (0600) of the alerts that were firing: with it, controls that pass again send resolved alerts' -r -F
complete -c kubectl-cinc_scan -n "__fish_kubectl_cinc_scan_using_subcommand job; and __fish_seen_subcommand_from run" -l no-stdout-results -d 'Do not print the full results as framed gzip+base64 lines on stdout'
complete -c kubectl-cinc_scan -n "__fish_kubectl_cinc_scan_using_subcommand job; and __fish_seen_subcommand_from run" -s R -l recursive -d 'With -f DIR, read its subdirectories too'
complete -c kubectl-cinc_scan -n "__fish_kubectl_cinc_scan_using_subcommand job; and __fish_seen_subcommand_from run" -s A -l all-namespaces -d 'Look for pods in every namespace (with -l, --all, or alone)'
complete -c kubectl-cinc_scan -n "__fish_kubectl_cinc_scan_using_subcommand job; and __fish_seen_subcommand_from run" -l all -d 'Scan every pod of the namespace'
complete -c kubectl-cinc_scan -n "__fish_kubectl_cinc_scan_using_subcommand job; and __fish_seen_subcommand_from run" -l ephemeral-identity -d 'Scan as a ServiceAccount made for this scan only: a Role limited to the target pods and the verbs of --access, a token from TokenRequest; all removed at the end'
complete -c kubectl-cinc_scan -n "__fish_kubectl_cinc_scan_using_subcommand job; and __fish_seen_subcommand_from run" -s q -l quiet -d 'Print only results: no progress, no notes on stderr'
complete -c kubectl-cinc_scan -n "__fish_kubectl_cinc_scan_using_subcommand job; and __fish_seen_subcommand_from run" -l no-progress -d 'Do not draw progress bars'
complete -c kubectl-cinc_scan -n "__fish_kubectl_cinc_scan_using_subcommand job; and __fish_seen_subcommand_from run" -l metrics-per-control -d 'Also one series per control (cinc_scan_control_status) in --metrics-file and --pushgateway: many more series'
complete -c kubectl-cinc_scan -n "__fish_kubectl_cinc_scan_using_subcommand job; and __fish_seen_subcommand_from run" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c kubectl-cinc_scan -n "__fish_kubectl_cinc_scan_using_subcommand job; and __fish_seen_subcommand_from results" -s n -l namespace -d 'Namespace of the Job, its ServiceAccount and (without -A) nothing else (default: the context\'s namespace)' -r
complete -c kubectl-cinc_scan -n "__fish_kubectl_cinc_scan_using_subcommand job; and __fish_seen_subcommand_from results" -l kubeconfig -d 'Path to the kubeconfig file' -r -F
complete -c kubectl-cinc_scan -n "__fish_kubectl_cinc_scan_using_subcommand job; and __fish_seen_subcommand_from results" -l context -d 'The kubeconfig context to use' -r
complete -c kubectl-cinc_scan -n "__fish_kubectl_cinc_scan_using_subcommand job; and __fish_seen_subcommand_from results" -s o -l output -d 'Output format on stdout' -r -f -a "table\t'A table for people (the default)'
json\t'HDF (InSpec exec-json), one document per container and line'
junit\t'JUnit XML: a testsuite per container, a testcase per control'
sarif\t'SARIF 2.1.0 (GitHub code scanning): failed controls as results'
markdown\t'A Markdown summary (for $GITHUB_STEP_SUMMARY or a merge-request comment)'"
complete -c kubectl-cinc_scan -n "__fish_kubectl_cinc_scan_using_subcommand job; and __fish_seen_subcommand_from results" -l output-dir -d 'Also write one HDF JSON file per container into this directory' -r -F
complete -c kubectl-cinc_scan -n "__fish_kubectl_cinc_scan_using_subcommand job; and __fish_seen_subcommand_from results" -l threshold -d 'SAF threshold file; exit code 3 if a container violates it' -r -F
complete -c kubectl-cinc_scan -n "__fish_kubectl_cinc_scan_using_subcommand job; and __fish_seen_subcommand_from results" -l threshold-inline -d 'SAF threshold inline, e.g. \'{compliance.min: 80}\'' -r
complete -c kubectl-cinc_scan -n "__fish_kubectl_cinc_scan_using_subcommand job; and __fish_seen_subcommand_from results" -l report -d 'Also write a report file: FORMAT=PATH (repeatable)' -r
complete -c kubectl-cinc_scan -n "__fish_kubectl_cinc_scan_using_subcommand job; and __fish_seen_subcommand_from results" -l color -d 'When to colour the table' -r -f -a "auto\t''
always\t''
never\t''"
complete -c kubectl-cinc_scan -n "__fish_kubectl_cinc_scan_using_subcommand job; and __fish_seen_subcommand_from results" -s q -l quiet -d 'Print only results'
complete -c kubectl-cinc_scan -n "__fish_kubectl_cinc_scan_using_subcommand job; and __fish_seen_subcommand_from results" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c kubectl-cinc_scan -n "__fish_kubectl_cinc_scan_using_subcommand job; and __fish_seen_subcommand_from delete" -s n -l namespace -d 'Namespace of the Job, its ServiceAccount and (without -A) nothing else (default: the context\'s namespace)' -r
complete -c kubectl-cinc_scan -n "__fish_kubectl_cinc_scan_using_subcommand job; and __fish_seen_subcommand_from delete" -l kubeconfig -d 'Path to the kubeconfig file' -r -F
complete -c kubectl-cinc_scan -n "__fish_kubectl_cinc_scan_using_subcommand job; and __fish_seen_subcommand_from delete" -l context -d 'The kubeconfig context to use' -r
complete -c kubectl-cinc_scan -n "__fish_kubectl_cinc_scan_using_subcommand job; and __fish_seen_subcommand_from delete" -s h -l help -d 'Print help'
complete -c kubectl-cinc_scan -n "__fish_kubectl_cinc_scan_using_subcommand job; and __fish_seen_subcommand_from help" -f -a "run" -d 'Scan one shard (what each pod of the Job runs; JOB_COMPLETION_INDEX is the shard)'
complete -c kubectl-cinc_scan -n "__fish_kubectl_cinc_scan_using_subcommand job; and __fish_seen_subcommand_from help" -f -a "results" -d 'Merge a Job\'s shard results from its pods\' logs and print them like a local scan'
complete -c kubectl-cinc_scan -n "__fish_kubectl_cinc_scan_using_subcommand job; and __fish_seen_subcommand_from help" -f -a "delete" -d 'Delete every object `kubectl cinc-scan job` made for NAME'
complete -c kubectl-cinc_scan -n "__fish_kubectl_cinc_scan_using_subcommand job; and __fish_seen_subcommand_from help" -f -a "help" -d 'Print this message or the help of the given subcommand(s)'
complete -c kubectl-cinc_scan -n "__fish_kubectl_cinc_scan_using_subcommand cleanup" -s n -l namespace -d 'Only this namespace (default: every namespace)' -r
complete -c kubectl-cinc_scan -n "__fish_kubectl_cinc_scan_using_subcommand cleanup" -l kubeconfig -d 'Path to the kubeconfig file' -r -F
complete -c kubectl-cinc_scan -n "__fish_kubectl_cinc_scan_using_subcommand cleanup" -l context -d 'The kubeconfig context to use' -r
complete -c kubectl-cinc_scan -n "__fish_kubectl_cinc_scan_using_subcommand cleanup" -l all -d 'Also remove leftovers that have not expired yet (a scan may still be using them)'
complete -c kubectl-cinc_scan -n "__fish_kubectl_cinc_scan_using_subcommand cleanup" -l dry-run -d 'Print what would be removed, remove nothing'
complete -c kubectl-cinc_scan -n "__fish_kubectl_cinc_scan_using_subcommand cleanup" -s h -l help -d 'Print help'
complete -c kubectl-cinc_scan -n "__fish_kubectl_cinc_scan_using_subcommand token" -l write-kubeconfig -d 'Where to write the kubeconfig (mode 0600; the token is never printed)' -r -F
complete -c kubectl-cinc_scan -n "__fish_kubectl_cinc_scan_using_subcommand token" -l duration -d 'How long the token is valid (at least 10m)' -r
complete -c kubectl-cinc_scan -n "__fish_kubectl_cinc_scan_using_subcommand token" -s n -l namespace -d 'Namespace of the ServiceAccount (default: the context\'s namespace)' -r
complete -c kubectl-cinc_scan -n "__fish_kubectl_cinc_scan_using_subcommand token" -l kubeconfig -d 'Path to the kubeconfig used to ask for the token' -r -F
complete -c kubectl-cinc_scan -n "__fish_kubectl_cinc_scan_using_subcommand token" -l context -d 'The kubeconfig context to use' -r
complete -c kubectl-cinc_scan -n "__fish_kubectl_cinc_scan_using_subcommand token" -s h -l help -d 'Print help'
complete -c kubectl-cinc_scan -n "__fish_kubectl_cinc_scan_using_subcommand sidecar; and not __fish_seen_subcommand_from inject results run cat help" -s h -l help -d 'Print help'
complete -c kubectl-cinc_scan -n "__fish_kubectl_cinc_scan_using_subcommand sidecar; and not __fish_seen_subcommand_from inject results run cat help" -f -a "inject" -d 'Rewrite manifests (Pod, Deployment, StatefulSet, DaemonSet, ReplicaSet, Job, CronJob, List) to run the scanner as a sidecar'
complete -c kubectl-cinc_scan -n "__fish_kubectl_cinc_scan_using_subcommand sidecar; and not __fish_seen_subcommand_from inject results run cat help" -f -a "results" -d 'Fetch and print the sidecar\'s latest results (through exec of the scanner binary)'
complete -c kubectl-cinc_scan -n "__fish_kubectl_cinc_scan_using_subcommand sidecar; and not __fish_seen_subcommand_from inject results run cat help" -f -a "run" -d 'In-pod mode, run by the scanner container: scan the pod\'s targets every --interval'
complete -c kubectl-cinc_scan -n "__fish_kubectl_cinc_scan_using_subcommand sidecar; and not __fish_seen_subcommand_from inject results run cat help" -f -a "cat" -d 'In-pod mode: print the newest HDF document of each target, one per line'
complete -c kubectl-cinc_scan -n "__fish_kubectl_cinc_scan_using_subcommand sidecar; and not __fish_seen_subcommand_from inject results run cat help" -f -a "help" -d 'Print this message or the help of the given subcommand(s)'
complete -c kubectl-cinc_scan -n "__fish_kubectl_cinc_scan_using_subcommand sidecar; and __fish_seen_subcommand_from inject" -s f -l filename -d 'Manifest file to read (repeatable; `-` or none: stdin). YAML or JSON, multi-document' -r -F
complete -c kubectl-cinc_scan -n "__fish_kubectl_cinc_scan_using_subcommand sidecar; and __fish_seen_subcommand_from inject" -s c -l target -d 'App container to scan (repeatable; default: every app container of each pod)' -r
complete -c kubectl-cinc_scan -n "__fish_kubectl_cinc_scan_using_subcommand sidecar; and __fish_seen_subcommand_from inject" -l image -d 'The scanner image (built from the repository\'s Containerfile)' -r
complete -c kubectl-cinc_scan -n "__fish_kubectl_cinc_scan_using_subcommand sidecar; and __fish_seen_subcommand_from inject" -l image-pull-policy -d 'Pull policy of the scanner image' -r -f -a "Always\t''
IfNotPresent\t''
Never\t''"
complete -c kubectl-cinc_scan -n "__fish_kubectl_cinc_scan_using_subcommand sidecar; and __fish_seen_subcommand_from inject" -l interval -d 'Time between two scans in the pod' -r
complete -c kubectl-cinc_scan -n "__fish_kubectl_cinc_scan_using_subcommand sidecar; and __fish_seen_subcommand_from inject" -l keep -d 'Results kept per target on the volume' -r
complete -c kubectl-cinc_scan -n "__fish_kubectl_cinc_scan_using_subcommand sidecar; and __fish_seen_subcommand_from inject" -l profile -d 'Built-in profile to run (repeatable, builtin:NAME; default: builtin:container-baseline)' -r
complete -c kubectl-cinc_scan -n "__fish_kubectl_cinc_scan_using_subcommand sidecar; and __fish_seen_subcommand_from inject" -l profile-configmap -d 'ConfigMap whose keys are profile YAML files, mounted into the sidecar and run' -r
complete -c kubectl-cinc_scan -n "__fish_kubectl_cinc_scan_using_subcommand sidecar; and __fish_seen_subcommand_from inject" -l threshold-inline -d 'SAF threshold inline, e.g. \'{compliance.min: 80}\'; each log line says met/violated' -r
complete -c kubectl-cinc_scan -n "__fish_kubectl_cinc_scan_using_subcommand sidecar; and __fish_seen_subcommand_from inject" -l threshold-configmap -d 'ConfigMap with a key threshold.yml (a SAF threshold file), mounted into the sidecar' -r
complete -c kubectl-cinc_scan -n "__fish_kubectl_cinc_scan_using_subcommand sidecar; and __fish_seen_subcommand_from inject" -l post-results -d 'POST each result to this URL from the pod (same retries as a scan\'s --post-results)' -r
complete -c kubectl-cinc_scan -n "__fish_kubectl_cinc_scan_using_subcommand sidecar; and __fish_seen_subcommand_from inject" -l post-token-secret -d 'Secret and key holding the bearer token for --post-results: NAME/KEY (passed as an environment variable from the Secret, never in the manifest)' -r
complete -c kubectl-cinc_scan -n "__fish_kubectl_cinc_scan_using_subcommand sidecar; and __fish_seen_subcommand_from inject" -l run-as-user -d 'The uid the targets run as, when neither the pod nor the container securityContext says (the image\'s USER: e.g. 65532 for distroless nonroot, 0 for root)' -r
complete -c kubectl-cinc_scan -n "__fish_kubectl_cinc_scan_using_subcommand sidecar; and __fish_seen_subcommand_from inject" -l run-as-group -d 'The gid the targets run as (default: their runAsGroup, else the same number as the uid)' -r
complete -c kubectl-cinc_scan -n "__fish_kubectl_cinc_scan_using_subcommand sidecar; and __fish_seen_subcommand_from inject" -l results-size-limit -d 'Size limit of the emptyDir results volume' -r
complete -c kubectl-cinc_scan -n "__fish_kubectl_cinc_scan_using_subcommand sidecar; and __fish_seen_subcommand_from inject" -l legacy-sidecar -d 'A plain container instead of a native sidecar (clusters before 1.29; a Job then never completes)'
complete -c kubectl-cinc_scan -n "__fish_kubectl_cinc_scan_using_subcommand sidecar; and __fish_seen_subcommand_from inject" -s h -l help -d 'Print help'
complete -c kubectl-cinc_scan -n "__fish_kubectl_cinc_scan_using_subcommand sidecar; and __fish_seen_subcommand_from results" -s l -l selector -d 'Label selector of the pods, e.g. -l app=web' -r
complete -c kubectl-cinc_scan -n "__fish_kubectl_cinc_scan_using_subcommand sidecar; and __fish_seen_subcommand_from results" -s n -l namespace -d 'Namespace (default: the context\'s namespace)' -r
complete -c kubectl-cinc_scan -n "__fish_kubectl_cinc_scan_using_subcommand sidecar; and __fish_seen_subcommand_from results" -s c -l container -d 'Only this app container\'s results (repeatable)' -r
complete -c kubectl-cinc_scan -n "__fish_kubectl_cinc_scan_using_subcommand sidecar; and __fish_seen_subcommand_from results" -s o -l output -d 'Output format on stdout' -r -f -a "table\t'A table for people (the default)'
json\t'HDF (InSpec exec-json), one document per container and line'
junit\t'JUnit XML: a testsuite per container, a testcase per control'
sarif\t'SARIF 2.1.0 (GitHub code scanning): failed controls as results'
markdown\t'A Markdown summary (for $GITHUB_STEP_SUMMARY or a merge-request comment)'"
complete -c kubectl-cinc_scan -n "__fish_kubectl_cinc_scan_using_subcommand sidecar; and __fish_seen_subcommand_from results" -l threshold -d 'SAF threshold file; exit code 3 if a result violates it, 0 if all meet it' -r -F
complete -c kubectl-cinc_scan -n "__fish_kubectl_cinc_scan_using_subcommand sidecar; and __fish_seen_subcommand_from results" -l threshold-inline -d 'SAF threshold inline, e.g. \'{compliance.min: 80}\'' -r
complete -c kubectl-cinc_scan -n "__fish_kubectl_cinc_scan_using_subcommand sidecar; and __fish_seen_subcommand_from results" -l timeout -d 'Time limit for fetching one pod\'s results' -r
complete -c kubectl-cinc_scan -n "__fish_kubectl_cinc_scan_using_subcommand sidecar; and __fish_seen_subcommand_from results" -l color -d 'When to colour the table' -r -f -a "auto\t''
always\t''
never\t''"
complete -c kubectl-cinc_scan -n "__fish_kubectl_cinc_scan_using_subcommand sidecar; and __fish_seen_subcommand_from results" -l context -d 'The kubeconfig context to use' -r
complete -c kubectl-cinc_scan -n "__fish_kubectl_cinc_scan_using_subcommand sidecar; and __fish_seen_subcommand_from results" -l kubeconfig -d 'Path to the kubeconfig file' -r -F
complete -c kubectl-cinc_scan -n "__fish_kubectl_cinc_scan_using_subcommand sidecar; and __fish_seen_subcommand_from results" -l all -d 'Every kept result, oldest first, not only the newest'
complete -c kubectl-cinc_scan -n "__fish_kubectl_cinc_scan_using_subcommand sidecar; and __fish_seen_subcommand_from results" -s q -l quiet -d 'Print only results, no notes on stderr'
complete -c kubectl-cinc_scan -n "__fish_kubectl_cinc_scan_using_subcommand sidecar; and __fish_seen_subcommand_from results" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c kubectl-cinc_scan -n "__fish_kubectl_cinc_scan_using_subcommand sidecar; and __fish_seen_subcommand_from run" -l target -d 'Scan only this container (repeatable; default: every container marked CINC_SCAN_TARGET=<name> by `sidecar inject`)' -r
complete -c kubectl-cinc_scan -n "__fish_kubectl_cinc_scan_using_subcommand sidecar; and __fish_seen_subcommand_from run" -l interval -d 'Time between two scans' -r
complete -c kubectl-cinc_scan -n "__fish_kubectl_cinc_scan_using_subcommand sidecar; and __fish_seen_subcommand_from run" -l keep -d 'How many results to keep per target' -r
complete -c kubectl-cinc_scan -n "__fish_kubectl_cinc_scan_using_subcommand sidecar; and __fish_seen_subcommand_from run" -l results-dir -d 'Where the results volume is mounted' -r -F
complete -c kubectl-cinc_scan -n "__fish_kubectl_cinc_scan_using_subcommand sidecar; and __fish_seen_subcommand_from run" -l profile -d 'Profile: a YAML file, a directory (e.g. a mounted ConfigMap) or builtin:NAME (repeatable; default: builtin:container-baseline)' -r
complete -c kubectl-cinc_scan -n "__fish_kubectl_cinc_scan_using_subcommand sidecar; and __fish_seen_subcommand_from run" -l threshold -d 'SAF threshold file; the log line says whether each scan meets it' -r -F
complete -c kubectl-cinc_scan -n "__fish_kubectl_cinc_scan_using_subcommand sidecar; and __fish_seen_subcommand_from run" -l threshold-inline -d 'SAF threshold inline, e.g. \'{compliance.min: 80, failed.critical.max: 0}\'' -r
complete -c kubectl-cinc_scan -n "__fish_kubectl_cinc_scan_using_subcommand sidecar; and __fish_seen_subcommand_from run" -l post-results -d 'POST each HDF document to this http(s) URL after it is written (token from $CINC_SCAN_POST_TOKEN or --post-token-file; same retries as a scan\'s --post-results)' -r
complete -c kubectl-cinc_scan -n "__fish_kubectl_cinc_scan_using_subcommand sidecar; and __fish_seen_subcommand_from run" -l post-token-file -d 'File that holds the bearer token for --post-results (e.g. a mounted Secret)' -r -F
complete -c kubectl-cinc_scan -n "__fish_kubectl_cinc_scan_using_subcommand sidecar; and __fish_seen_subcommand_from run" -l post-ca-file -d 'PEM bundle of the CAs to trust for --post-results' -r -F
complete -c kubectl-cinc_scan -n "__fish_kubectl_cinc_scan_using_subcommand sidecar; and __fish_seen_subcommand_from run" -l post-timeout -d 'Time limit for each POST' -r
complete -c kubectl-cinc_scan -n "__fish_kubectl_cinc_scan_using_subcommand sidecar; and __fish_seen_subcommand_from run" -l post-retries -d 'Retries of a POST after a 5xx, 429 or connection error' -r
complete -c kubectl-cinc_scan -n "__fish_kubectl_cinc_scan_using_subcommand sidecar; and __fish_seen_subcommand_from run" -l max-file-size -d 'Largest file content read per file (e.g. 1Mi)' -r
complete -c kubectl-cinc_scan -n "__fish_kubectl_cinc_scan_using_subcommand sidecar; and __fish_seen_subcommand_from run" -l timeout -d 'Time limit of one target\'s scan (0 for none)' -r
complete -c kubectl-cinc_scan -n "__fish_kubectl_cinc_scan_using_subcommand sidecar; and __fish_seen_subcommand_from run" -l discover -d 'How to find the targets: env (the CINC_SCAN_TARGET marker in their environment, no API rights), api (the pod\'s own status through its ServiceAccount, matched to /proc/<pid>/cgroup; needs get on pods), auto (env, then api when a target is missing and a ServiceAccount token is mounted)' -r -f -a "auto\t''
env\t''
api\t''"
complete -c kubectl-cinc_scan -n "__fish_kubectl_cinc_scan_using_subcommand sidecar; and __fish_seen_subcommand_from run" -l proc-dir -d 'The proc filesystem to look for targets in (tests)' -r -F
complete -c kubectl-cinc_scan -n "__fish_kubectl_cinc_scan_using_subcommand sidecar; and __fish_seen_subcommand_from run" -l once -d 'Scan once and exit with the scan\'s code (for tests and Jobs; a native sidecar must not exit)'
complete -c kubectl-cinc_scan -n "__fish_kubectl_cinc_scan_using_subcommand sidecar; and __fish_seen_subcommand_from run" -s h -l help -d 'Print help'
complete -c kubectl-cinc_scan -n "__fish_kubectl_cinc_scan_using_subcommand sidecar; and __fish_seen_subcommand_from cat" -l target -d 'Only this container\'s results (repeatable)' -r
complete -c kubectl-cinc_scan -n "__fish_kubectl_cinc_scan_using_subcommand sidecar; and __fish_seen_subcommand_from cat" -l results-dir -d 'Where the results volume is mounted' -r -F
complete -c kubectl-cinc_scan -n "__fish_kubectl_cinc_scan_using_subcommand sidecar; and __fish_seen_subcommand_from cat" -l all -d 'Every kept result, oldest first, not only the newest'
complete -c kubectl-cinc_scan -n "__fish_kubectl_cinc_scan_using_subcommand sidecar; and __fish_seen_subcommand_from cat" -s h -l help -d 'Print help'
complete -c kubectl-cinc_scan -n "__fish_kubectl_cinc_scan_using_subcommand sidecar; and __fish_seen_subcommand_from help" -f -a "inject" -d 'Rewrite manifests (Pod, Deployment, StatefulSet, DaemonSet, ReplicaSet, Job, CronJob, List) to run the scanner as a sidecar'
complete -c kubectl-cinc_scan -n "__fish_kubectl_cinc_scan_using_subcommand sidecar; and __fish_seen_subcommand_from help" -f -a "results" -d 'Fetch and print the sidecar\'s latest results (through exec of the scanner binary)'
complete -c kubectl-cinc_scan -n "__fish_kubectl_cinc_scan_using_subcommand sidecar; and __fish_seen_subcommand_from help" -f -a "run" -d 'In-pod mode, run by the scanner container: scan the pod\'s targets every --interval'
complete -c kubectl-cinc_scan -n "__fish_kubectl_cinc_scan_using_subcommand sidecar; and __fish_seen_subcommand_from help" -f -a "cat" -d 'In-pod mode: print the newest HDF document of each target, one per line'
complete -c kubectl-cinc_scan -n "__fish_kubectl_cinc_scan_using_subcommand sidecar; and __fish_seen_subcommand_from help" -f -a "help" -d 'Print this message or the help of the given subcommand(s)'
complete -c kubectl-cinc_scan -n "__fish_kubectl_cinc_scan_using_subcommand help; and not __fish_seen_subcommand_from profiles completion rbac job cleanup token sidecar help" -f -a "profiles" -d 'List, show or describe profiles'
complete -c kubectl-cinc_scan -n "__fish_kubectl_cinc_scan_using_subcommand help; and not __fish_seen_subcommand_from profiles completion rbac job cleanup token sidecar help" -f -a "completion" -d 'Print a shell completion script (bash, zsh, fish, powershell, elvish)'
complete -c kubectl-cinc_scan -n "__fish_kubectl_cinc_scan_using_subcommand help; and not __fish_seen_subcommand_from profiles completion rbac job cleanup token sidecar help" -f -a "rbac" -d 'Print the least-privilege ServiceAccount, Role and binding a scan needs'
complete -c kubectl-cinc_scan -n "__fish_kubectl_cinc_scan_using_subcommand help; and not __fish_seen_subcommand_from profiles completion rbac job cleanup token sidecar help" -f -a "job" -d 'Print or apply a sharded in-cluster scan (Indexed Job or CronJob); run, merge or delete it'
complete -c kubectl-cinc_scan -n "__fish_kubectl_cinc_scan_using_subcommand help; and not __fish_seen_subcommand_from profiles completion rbac job cleanup token sidecar help" -f -a "cleanup" -d 'Remove what --ephemeral-identity runs left behind (after a kill -9) once they expired'
complete -c kubectl-cinc_scan -n "__fish_kubectl_cinc_scan_using_subcommand help; and not __fish_seen_subcommand_from profiles completion rbac job cleanup token sidecar help" -f -a "token" -d 'Write a kubeconfig with a short-lived token of a ServiceAccount (file mode 0600)'
complete -c kubectl-cinc_scan -n "__fish_kubectl_cinc_scan_using_subcommand help; and not __fish_seen_subcommand_from profiles completion rbac job cleanup token sidecar help" -f -a "sidecar" -d 'Scan from inside the pod: inject a scanner sidecar into manifests, fetch its results'
complete -c kubectl-cinc_scan -n "__fish_kubectl_cinc_scan_using_subcommand help; and not __fish_seen_subcommand_from profiles completion rbac job cleanup token sidecar help" -f -a "help" -d 'Print this message or the help of the given subcommand(s)'
complete -c kubectl-cinc_scan -n "__fish_kubectl_cinc_scan_using_subcommand help; and __fish_seen_subcommand_from profiles" -f -a "list" -d 'List the built-in profiles (the default)'
complete -c kubectl-cinc_scan -n "__fish_kubectl_cinc_scan_using_subcommand help; and __fish_seen_subcommand_from profiles" -f -a "show" -d 'Print a built-in profile\'s YAML, or check a profile file and list its controls'
complete -c kubectl-cinc_scan -n "__fish_kubectl_cinc_scan_using_subcommand help; and __fish_seen_subcommand_from profiles" -f -a "schema" -d 'Print the JSON Schema of the profile format'
complete -c kubectl-cinc_scan -n "__fish_kubectl_cinc_scan_using_subcommand help; and __fish_seen_subcommand_from job" -f -a "run" -d 'Scan one shard (what each pod of the Job runs; JOB_COMPLETION_INDEX is the shard)'
complete -c kubectl-cinc_scan -n "__fish_kubectl_cinc_scan_using_subcommand help; and __fish_seen_subcommand_from job" -f -a "results" -d 'Merge a Job\'s shard results from its pods\' logs and print them like a local scan'
complete -c kubectl-cinc_scan -n "__fish_kubectl_cinc_scan_using_subcommand help; and __fish_seen_subcommand_from job" -f -a "delete" -d 'Delete every object `kubectl cinc-scan job` made for NAME'
complete -c kubectl-cinc_scan -n "__fish_kubectl_cinc_scan_using_subcommand help; and __fish_seen_subcommand_from sidecar" -f -a "inject" -d 'Rewrite manifests (Pod, Deployment, StatefulSet, DaemonSet, ReplicaSet, Job, CronJob, List) to run the scanner as a sidecar'
complete -c kubectl-cinc_scan -n "__fish_kubectl_cinc_scan_using_subcommand help; and __fish_seen_subcommand_from sidecar" -f -a "results" -d 'Fetch and print the sidecar\'s latest results (through exec of the scanner binary)'
complete -c kubectl-cinc_scan -n "__fish_kubectl_cinc_scan_using_subcommand help; and __fish_seen_subcommand_from sidecar" -f -a "run" -d 'In-pod mode, run by the scanner container: scan the pod\'s targets every --interval'
complete -c kubectl-cinc_scan -n "__fish_kubectl_cinc_scan_using_subcommand help; and __fish_seen_subcommand_from sidecar" -f -a "cat" -d 'In-pod mode: print the newest HDF document of each target, one per line'
