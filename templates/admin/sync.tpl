<p>{$_lang.sync_intro|escape}</p>
<p class="text-muted">{$_lang.sync_counts|escape}: <strong id="ipmanager-sync-live">{$data.live|escape}</strong> {$_lang.live|escape} / <strong>{$data.all|escape}</strong> {$_lang.all|lower|escape}</p>
{if !$data.subnets}<div class="alert alert-warning">{$_lang.sync_no_subnets|escape}</div>{/if}
<form id="ipmanager-sync-form" data-url="{$modulelink|escape}&amp;action=sync_batch" data-token="{$csrfToken|escape}">
    <div class="checkbox"><label><input type="checkbox" id="ipmanager-sync-live-only" checked> {$_lang.sync_live_only|escape}</label>
        <span class="help-block">{$_lang.sync_live_only_help|escape}</span></div>
    <button type="button" class="btn btn-default" data-dry-run="1" id="ipmanager-sync-preview">{$_lang.sync_preview|escape}</button>
    <button type="button" class="btn btn-primary" data-dry-run="0" id="ipmanager-sync-run">{$_lang.sync_run|escape}</button>
</form>
<div class="progress" id="ipmanager-sync-progress" style="display:none;margin-top:15px">
    <div class="progress-bar progress-bar-striped active" role="progressbar" style="width:0%;min-width:3em">0%</div>
</div>
<div id="ipmanager-sync-result" style="display:none;margin-top:15px">
    <div class="alert" id="ipmanager-sync-summary"></div>
    <table class="table table-condensed table-striped" id="ipmanager-sync-rows">
        <thead><tr><th>{$_lang.service|escape}</th><th>{$_lang.client_id|escape}</th><th>{$_lang.address|escape}</th><th>{$_lang.outcome|escape}</th><th>{$_lang.reason|escape}</th></tr></thead>
        <tbody></tbody>
    </table>
</div>
<script>
(function () {
    var form = document.getElementById('ipmanager-sync-form');
    var labels = {
        synced: '{$_lang.sync_synced|escape:'javascript'}', created: '{$_lang.sync_created|escape:'javascript'}',
        correct: '{$_lang.sync_correct|escape:'javascript'}', skipped: '{$_lang.sync_skipped|escape:'javascript'}',
        conflicts: '{$_lang.sync_conflicts|escape:'javascript'}', services: '{$_lang.sync_services|escape:'javascript'}',
        preview: '{$_lang.sync_result_preview|escape:'javascript'}', done: '{$_lang.sync_result_done|escape:'javascript'}',
        failed: '{$_lang.sync_failed|escape:'javascript'}'
    };
    var bar = document.querySelector('#ipmanager-sync-progress .progress-bar');
    function cell(row, text) { var td = document.createElement('td'); td.textContent = text; row.appendChild(td); }
    function run(dryRun) {
        var totals = { services: 0, synced: 0, created: 0, correct: 0, skipped: 0, conflicts: 0 }, total = null;
        var tbody = document.querySelector('#ipmanager-sync-rows tbody');
        tbody.innerHTML = '';
        form.querySelectorAll('button').forEach(function (b) { b.disabled = true; });
        document.getElementById('ipmanager-sync-progress').style.display = '';
        document.getElementById('ipmanager-sync-result').style.display = 'none';
        function step(after) {
            var body = new URLSearchParams({ token: form.dataset.token, after: after, dry_run: dryRun,
                live_only: document.getElementById('ipmanager-sync-live-only').checked ? 'on' : '' });
            fetch(form.dataset.url, { method: 'POST', body: body, credentials: 'same-origin' })
                .then(function (response) { return response.json(); })
                .then(function (batch) {
                    if (batch.error) { throw new Error(batch.error); }
                    if (batch.total !== null) { total = batch.total; }
                    Object.keys(totals).forEach(function (key) { totals[key] += batch[key]; });
                    batch.rows.forEach(function (r) {
                        var row = document.createElement('tr');
                        [ '#' + r.service_id, r.client_id, r.ip, r.outcome, r.reason ].forEach(function (t) { cell(row, t); });
                        tbody.appendChild(row);
                    });
                    var percent = total ? Math.min(100, Math.round(100 * totals.services / total)) : 100;
                    bar.style.width = percent + '%'; bar.textContent = percent + '%';
                    if (batch.done) { finish(dryRun === '1' ? labels.preview : labels.done, 'success'); } else { step(batch.next_after); }
                })
                .catch(function (error) { finish(labels.failed + ' ' + error.message, 'danger'); });
        }
        function finish(title, level) {
            var summary = document.getElementById('ipmanager-sync-summary');
            summary.className = 'alert alert-' + level;
            summary.textContent = title + ' ' + Object.keys(totals).map(function (key) { return totals[key] + ' ' + labels[key]; }).join(', ') + '.';
            document.getElementById('ipmanager-sync-result').style.display = '';
            form.querySelectorAll('button').forEach(function (b) { b.disabled = false; });
        }
        step(0);
    }
    form.querySelectorAll('button').forEach(function (button) {
        button.addEventListener('click', function () { run(button.dataset.dryRun); });
    });
})();
</script>
