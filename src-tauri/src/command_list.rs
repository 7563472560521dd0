// THE list of app commands exposed to the web view. It is read by both
// build.rs (to generate an `allow-<command>` permission for each, via
// tauri_build::AppManifest) and lib.rs (to register the handlers), so a command
// exists in exactly one list. To add a command:
//   1. write `pub fn my_command(...)` with #[tauri::command] in src/commands.rs,
//   2. add `my_command` below,
//   3. add "allow-my-command" to capabilities/main.json (build.rs fails with a
//      clear message if you forget, or if a stale permission is left there),
//   4. add a typed wrapper in ui/src/lib/api.ts.
//
// This file must stay a plain macro with no other items: build.rs `include!`s it.
macro_rules! app_commands {
    ($callback:ident) => {
        $callback! {
            app_state,
            setup,
            passphrase_strength,
            unlock,
            lock,
            set_idle_lock,
            change_passphrase,
            panic_destroy,
            set_language,
            set_user,
            vocabularies,
            schema,
            record_add,
            record_edit,
            record_delete,
            record_restore,
            record_get,
            record_list,
            person_list,
            person_counts,
            person_page,
            group_page,
            attachment_add,
            attachment_data,
            load_demo,
            info,
            audit,
            verify_log,
            peers,
            export_bundle,
            import_preview,
            import_apply,
            conflicts,
            resolve,
            forks,
            pick_file,
            grant_file,
            devices,
            enrol_request,
            enrol_inspect_request,
            enrol_approve,
            enrol_inspect,
            enrol_accept,
            revoke,
            held_changes,
        }
    };
}
