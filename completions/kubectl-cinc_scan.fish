# Print an optspec for argparse to handle cmd's options that are independent of any subcommand.
function __fish_kubectl_cinc_scan_global_optspecs
    string join \n f/filename= R/recursive n/namespace= A/all-namespaces l/selector= all c/container= context= cluster= user= kubeconfig= profile= o/output= output-dir= report-mode= access= debug-image= debug-pull-policy= debug-ttl= debug-profile= root= ephemeral-identity token-duration= timeout= concurrency= max-file-size= q/quiet no-progress color= threshold= threshold-inline= report= post-results= post-token-env= post-token-file= post-ca-file= post-timeout= post-retries= h/help V/version
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
complete -c kubectl-cinc_scan -n "__fish_kubectl_cinc_scan_needs_command" -l post-ca-file -d 'PEM bundle of the CAs to trust for --post-results (instead of the system\'s)' -r -F
complete -c kubectl-cinc_scan -n "__fish_kubectl_cinc_scan_needs_command" -l post-timeout -d 'Time limit for each POST, e.g. 30s' -r
complete -c kubectl-cinc_scan -n "__fish_kubectl_cinc_scan_needs_command" -l post-retries -d 'Retries of a POST after a 5xx, 429 or connection error (with backoff and jitter)' -r
complete -c kubectl-cinc_scan -n "__fish_kubectl_cinc_scan_needs_command" -s R -l recursive -d 'With -f DIR, read its subdirectories too'
complete -c kubectl-cinc_scan -n "__fish_kubectl_cinc_scan_needs_command" -s A -l all-namespaces -d 'Look for pods in every namespace (with -l, --all, or alone)'
complete -c kubectl-cinc_scan -n "__fish_kubectl_cinc_scan_needs_command" -l all -d 'Scan every pod of the namespace'
complete -c kubectl-cinc_scan -n "__fish_kubectl_cinc_scan_needs_command" -l ephemeral-identity -d 'Scan as a ServiceAccount made for this scan only: a Role limited to the target pods and the verbs of --access, a token from TokenRequest; all removed at the end'
complete -c kubectl-cinc_scan -n "__fish_kubectl_cinc_scan_needs_command" -s q -l quiet -d 'Print only results: no progress, no notes on stderr'
complete -c kubectl-cinc_scan -n "__fish_kubectl_cinc_scan_needs_command" -l no-progress -d 'Do not draw progress bars'
complete -c kubectl-cinc_scan -n "__fish_kubectl_cinc_scan_needs_command" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c kubectl-cinc_scan -n "__fish_kubectl_cinc_scan_needs_command" -s V -l version -d 'Print version'
complete -c kubectl-cinc_scan -n "__fish_kubectl_cinc_scan_needs_command" -a "profiles" -d 'List, show or describe profiles'
complete -c kubectl-cinc_scan -n "__fish_kubectl_cinc_scan_needs_command" -a "completion" -d 'Print a shell completion script (bash, zsh, fish, powershell, elvish)'
complete -c kubectl-cinc_scan -n "__fish_kubectl_cinc_scan_needs_command" -a "rbac" -d 'Print the least-privilege ServiceAccount, Role and binding a scan needs'
complete -c kubectl-cinc_scan -n "__fish_kubectl_cinc_scan_needs_command" -a "cleanup" -d 'Remove what --ephemeral-identity runs left behind (after a kill -9) once they expired'
complete -c kubectl-cinc_scan -n "__fish_kubectl_cinc_scan_needs_command" -a "token" -d 'Write a kubeconfig with a short-lived token of a ServiceAccount (file mode 0600)'
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
complete -c kubectl-cinc_scan -n "__fish_kubectl_cinc_scan_using_subcommand help; and not __fish_seen_subcommand_from profiles completion rbac cleanup token help" -f -a "profiles" -d 'List, show or describe profiles'
complete -c kubectl-cinc_scan -n "__fish_kubectl_cinc_scan_using_subcommand help; and not __fish_seen_subcommand_from profiles completion rbac cleanup token help" -f -a "completion" -d 'Print a shell completion script (bash, zsh, fish, powershell, elvish)'
complete -c kubectl-cinc_scan -n "__fish_kubectl_cinc_scan_using_subcommand help; and not __fish_seen_subcommand_from profiles completion rbac cleanup token help" -f -a "rbac" -d 'Print the least-privilege ServiceAccount, Role and binding a scan needs'
complete -c kubectl-cinc_scan -n "__fish_kubectl_cinc_scan_using_subcommand help; and not __fish_seen_subcommand_from profiles completion rbac cleanup token help" -f -a "cleanup" -d 'Remove what --ephemeral-identity runs left behind (after a kill -9) once they expired'
complete -c kubectl-cinc_scan -n "__fish_kubectl_cinc_scan_using_subcommand help; and not __fish_seen_subcommand_from profiles completion rbac cleanup token help" -f -a "token" -d 'Write a kubeconfig with a short-lived token of a ServiceAccount (file mode 0600)'
complete -c kubectl-cinc_scan -n "__fish_kubectl_cinc_scan_using_subcommand help; and not __fish_seen_subcommand_from profiles completion rbac cleanup token help" -f -a "help" -d 'Print this message or the help of the given subcommand(s)'
complete -c kubectl-cinc_scan -n "__fish_kubectl_cinc_scan_using_subcommand help; and __fish_seen_subcommand_from profiles" -f -a "list" -d 'List the built-in profiles (the default)'
complete -c kubectl-cinc_scan -n "__fish_kubectl_cinc_scan_using_subcommand help; and __fish_seen_subcommand_from profiles" -f -a "show" -d 'Print a built-in profile\'s YAML, or check a profile file and list its controls'
complete -c kubectl-cinc_scan -n "__fish_kubectl_cinc_scan_using_subcommand help; and __fish_seen_subcommand_from profiles" -f -a "schema" -d 'Print the JSON Schema of the profile format'
