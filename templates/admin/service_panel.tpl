{* The IP Manager rows on WHMCS's admin service page. This HTML sits inside
   WHMCS's own service form, so the buttons post a form of their own built on click. *}
<div id="ipmanager-service-panel" data-token="{$csrfToken|escape}" data-service="{$data.service_id|escape}" data-link="{$modulelink|escape}">
    {foreach $data.addresses as $address}
        <div><code>{$address.ip|escape}</code> <span class="text-muted small">{$address.subnet|escape}{if $address.pool} · {$address.pool|escape}{/if}</span>
            <button type="button" class="btn btn-xs btn-link ipmanager-panel-unassign" data-address="{$address.address_id|escape}" data-confirm="{$_lang.unassign_confirm|escape}">{$_lang.unassign|escape}</button>
        </div>
    {foreachelse}
        <div class="text-muted">{$_lang.no_assigned_addresses|escape}</div>
    {/foreach}
    <div class="form-inline" style="margin-top:4px">
        <select class="form-control input-sm" id="ipmanager-panel-pool" aria-label="{$_lang.pool|escape}"><option value="0">{$_lang.pool|escape}</option>{foreach $data.pools as $pool}<option value="{$pool[0]|escape}">{$pool[1]|escape}</option>{/foreach}</select>
        <button type="button" class="btn btn-sm btn-success" id="ipmanager-panel-assign">{$_lang.assign|escape}</button>
        <a class="small" href="{$modulelink}&amp;action=assignments&amp;service_id={$data.service_id|escape:'url'}">{$_lang.manage_assignments|escape}</a>
    </div>
    <script>
    (function () {
        var panel = document.getElementById('ipmanager-service-panel');
        function post(action, fields) {
            var form = document.createElement('form');
            form.method = 'post';
            form.action = panel.dataset.link + '&action=' + action;
            fields.token = panel.dataset.token;
            fields.service_id = panel.dataset.service;
            Object.keys(fields).forEach(function (name) {
                var input = document.createElement('input');
                input.type = 'hidden'; input.name = name; input.value = fields[name];
                form.appendChild(input);
            });
            document.body.appendChild(form);
            form.submit();
        }
        panel.querySelectorAll('.ipmanager-panel-unassign').forEach(function (button) {
            button.addEventListener('click', function () {
                if (confirm(button.dataset.confirm)) { post('unassign', { address_id: button.dataset.address }); }
            });
        });
        document.getElementById('ipmanager-panel-assign').addEventListener('click', function () {
            post('assign', { pool_id: document.getElementById('ipmanager-panel-pool').value });
        });
    })();
    </script>
</div>
