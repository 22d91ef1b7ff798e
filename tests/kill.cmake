# The kill test: a child that loops open/load/run, killed at random points.
add_executable(kill_child kill_child.c)
target_link_libraries(kill_child PRIVATE bpf_arena)
bpf_arena_add_test(test_kill SOURCES test_kill.c test_helpers.c PROGS kill_arena)
target_compile_definitions(test_kill PRIVATE KILL_CHILD="$<TARGET_FILE:kill_child>")
add_dependencies(test_kill kill_child)
