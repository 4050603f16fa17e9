@echo off
rem kubectl 1.26+ runs this for `kubectl cinc-scan <TAB>` on Windows (put it next to kubectl-cinc_scan.exe on PATH).
"%~dp0kubectl-cinc_scan.exe" __complete %*
