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
'--concurrency=[How many containers to scan at once]:N:_default' \
'--max-file-size=[Largest file content read per file, in bytes (e.g. 1048576, 512Ki, 4Mi)]:BYTES:_default' \
'--color=[When to colour the table]:WHEN:(auto always never)' \
'(--threshold-inline)--threshold=[SAF threshold file (YAML or JSON, nested or flattened keys); each container is checked and the exit code is 3 if one violates it, 0 if all meet it]:FILE:_files' \
'--threshold-inline=[SAF threshold inline, e.g. '\''{compliance.min\: 80, failed.critical.max\: 0}'\'']:RULES:_default' \
'*--report=[Also write a report file\: FORMAT=PATH, FORMAT one of json, junit, sarif, markdown, table (repeatable)]:FORMAT=PATH:_default' \
'--post-results=[POST each HDF document (application/json) to this http(s) URL, after the results are written locally; exit code 4 if it cannot be delivered]:URL:_default' \
'(--post-token-file)--post-token-env=[Environment variable that holds the bearer token for --post-results \[default\: CINC_SCAN_POST_TOKEN, if set\]]:NAME:_default' \
'--post-token-file=[File that holds the bearer token for --post-results]:PATH:_files' \
'--post-ca-file=[PEM bundle of the CAs to trust for --post-results (instead of the system'\''s)]:PEM:_files' \
'--post-timeout=[Time limit for each POST, e.g. 30s]:DURATION:_default' \
'--post-retries=[Retries of a POST after a 5xx, 429 or connection error (with backoff and jitter)]:N:_default' \
'-R[With -f DIR, read its subdirectories too]' \
'--recursive[With -f DIR, read its subdirectories too]' \
'-A[Look for pods in every namespace (with -l, --all, or alone)]' \
'--all-namespaces[Look for pods in every namespace (with -l, --all, or alone)]' \
'--all[Scan every pod of the namespace]' \
'--ephemeral-identity[Scan as a ServiceAccount made for this scan only\: a Role limited to the target pods and the verbs of --access, a token from TokenRequest; all removed at the end]' \
'-q[Print only results\: no progress, no notes on stderr]' \
'--quiet[Print only results\: no progress, no notes on stderr]' \
'--no-progress[Do not draw progress bars]' \
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
(cleanup)
_arguments "${_arguments_options[@]}" : \
&& ret=0
;;
(token)
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
}

(( $+functions[_kubectl-cinc_scan_commands] )) ||
_kubectl-cinc_scan_commands() {
    local commands; commands=(
'profiles:List, show or describe profiles' \
'completion:Print a shell completion script (bash, zsh, fish, powershell, elvish)' \
'rbac:Print the least-privilege ServiceAccount, Role and binding a scan needs' \
'cleanup:Remove what --ephemeral-identity runs left behind (after a kill -9) once they expired' \
'token:Write a kubeconfig with a short-lived token of a ServiceAccount (file mode 0600)' \
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
'cleanup:Remove what --ephemeral-identity runs left behind (after a kill -9) once they expired' \
'token:Write a kubeconfig with a short-lived token of a ServiceAccount (file mode 0600)' \
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
(( $+functions[_kubectl-cinc_scan__subcmd__help__subcmd__token_commands] )) ||
_kubectl-cinc_scan__subcmd__help__subcmd__token_commands() {
    local commands; commands=()
    _describe -t commands 'kubectl-cinc_scan help token commands' commands "$@"
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
