{$form = $data.form}
<h3>{$_lang.scheduled_tasks|escape}</h3>
<p class="text-muted">{$_lang.scheduled_tasks_help|escape}</p>
<table class="table table-condensed" id="ipmanager-module-configuration" style="width:auto">
    <tr><th>{$_lang.usage_alert_threshold|escape}</th><td>{$data.module.usage_alert_threshold|escape}</td></tr>
    <tr><th>{$_lang.ip_cleaner|escape}</th><td>{if $data.module.ip_cleaner_enabled}{$_lang.enabled|escape}, {$data.module.ip_cleaner_behavior|escape}{else}{$_lang.disabled|escape}{/if}</td></tr>
    <tr><th>{$_lang.email_delivery|escape}</th><td id="ipmanager-delivery">{$data.delivery|escape}</td></tr>
</table>
<div class="row" style="margin-bottom:15px">
    <div class="col-sm-4">
        <form method="post" action="{$modulelink}&amp;action=task_run">
            <input type="hidden" name="token" value="{$csrfToken|escape}">
            <input type="hidden" name="task" value="alerts">
            <button class="btn btn-default" id="ipmanager-run-alerts"><i class="fa fa-bell"></i> {$_lang.run_usage_check|escape}</button>
        </form>
    </div>
    <div class="col-sm-4">
        <form method="post" action="{$modulelink}&amp;action=task_run">
            <input type="hidden" name="token" value="{$csrfToken|escape}">
            <input type="hidden" name="task" value="cleaner">
            <button class="btn btn-default" id="ipmanager-run-cleaner"{if !$data.module.ip_cleaner_enabled} disabled title="{$_lang.cleaner_disabled_help|escape}"{/if}><i class="fa fa-eraser"></i> {$_lang.run_ip_cleaner|escape}</button>
            {if !$data.module.ip_cleaner_enabled}<span class="help-block" id="ipmanager-cleaner-disabled">{$_lang.cleaner_disabled_help|escape}</span>{/if}
        </form>
    </div>
    <div class="col-sm-4">
        <form method="post" action="{$modulelink}&amp;action=task_run">
            <input type="hidden" name="token" value="{$csrfToken|escape}">
            <input type="hidden" name="task" value="logs">
            <button class="btn btn-default" id="ipmanager-run-logs"><i class="fa fa-trash"></i> {$_lang.run_log_retention|escape}</button>
        </form>
    </div>
</div>
<p><strong>{$_lang.cron_command|escape}</strong></p>
<pre id="ipmanager-cron-command">{$data.cron_command|escape}</pre>
<p class="help-block">{$_lang.cron_command_help|escape}</p>

<h4>{$_lang.last_runs|escape}</h4>
{if $data.runs}
<table class="table table-condensed table-striped" id="ipmanager-task-runs">
    <thead><tr><th>{$_lang.task|escape}</th><th>{$_lang.started|escape}</th><th>{$_lang.finished|escape}</th><th>{$_lang.run_by|escape}</th><th>{$_lang.outcome|escape}</th><th>{$_lang.details|escape}</th><th></th></tr></thead>
    <tbody>
    {foreach $data.runs as $run}
        <tr data-task="{$run.task|escape}">
            <td>{$_lang["task_{$run.task}"]|escape}</td>
            <td>{$run.started_at|escape}</td>
            <td>{$run.finished_at|escape}</td>
            <td>{$run.trigger|escape}</td>
            <td><span class="label label-{if $run.outcome == 'done'}success{elseif $run.outcome == 'failed'}danger{else}default{/if}">{$run.outcome|escape}</span></td>
            <td style="white-space:pre-line">{$run.message|escape}</td>
            <td>{if $run.report_name}
                <form method="post" action="{$modulelink}&amp;action=task_report" style="display:inline">
                    <input type="hidden" name="token" value="{$csrfToken|escape}">
                    <input type="hidden" name="run_id" value="{$run.id|escape}">
                    <button class="btn btn-xs btn-default"><i class="fa fa-download"></i> CSV</button>
                </form>
            {/if}</td>
        </tr>
    {/foreach}
    </tbody>
</table>
{else}
<p class="text-muted" id="ipmanager-no-runs">{$_lang.no_runs_yet|escape}</p>
{/if}

<h3>{$_lang.operational_settings|escape}</h3>
<p class="text-muted">{$_lang.settings_help|escape}</p>
<form method="post" action="{$modulelink}&amp;action=settings" class="form-horizontal" id="ipmanager-settings-form">
    <input type="hidden" name="token" value="{$csrfToken|escape}">
    <div class="form-group{if isset($errors.terminate_policy)} has-error{/if}">
        <label class="col-sm-3 control-label">{$_lang.terminate_policy|escape}</label>
        <div class="col-sm-6">
            {foreach $data.policies as $policy}
                <div class="radio"><label><input type="radio" name="terminate_policy" value="{$policy|escape}"{if $form.terminate_policy|default:'' == $policy} checked{/if}> {$_lang["terminate_{$policy}"]|escape}</label></div>
            {/foreach}
            {include file="admin/field_error.tpl" field="terminate_policy"}
        </div>
    </div>
    <div class="form-group{if isset($errors.cooldown_hours)} has-error{/if}">
        <label class="col-sm-3 control-label" for="ipm-cooldown">{$_lang.cooldown_hours|escape}</label>
        <div class="col-sm-2"><input class="form-control" id="ipm-cooldown" name="cooldown_hours" value="{$form.cooldown_hours|default:''|escape}"></div>
        <div class="col-sm-5"><span class="help-block">{$_lang.cooldown_help|escape}</span>{include file="admin/field_error.tpl" field="cooldown_hours"}</div>
    </div>
    <div class="form-group{if isset($errors.extra_ips_option)} has-error{/if}">
        <label class="col-sm-3 control-label" for="ipm-extra-option">{$_lang.extra_ips_option|escape}</label>
        <div class="col-sm-4"><input class="form-control" id="ipm-extra-option" name="extra_ips_option" value="{$form.extra_ips_option|default:''|escape}"></div>
        <div class="col-sm-offset-3 col-sm-6"><span class="help-block">{$_lang.extra_ips_option_help|escape}</span>{include file="admin/field_error.tpl" field="extra_ips_option"}</div>
    </div>
    <h4>{$_lang.email|escape}</h4>
    <div class="form-group{if isset($errors.mail_transport)} has-error{/if}">
        <label class="col-sm-3 control-label">{$_lang.mail_transport|escape}</label>
        <div class="col-sm-6">
            {foreach $data.transports as $transport}
                <div class="radio"><label><input type="radio" name="mail_transport" value="{$transport|escape}"{if $form.mail_transport|default:'' == $transport} checked{/if}> {$_lang["transport_{$transport}"]|escape}</label></div>
            {/foreach}
            {include file="admin/field_error.tpl" field="mail_transport"}
        </div>
    </div>
    <div id="ipmanager-smtp-fields">
        <div class="form-group{if isset($errors.smtp_host)} has-error{/if}">
            <label class="col-sm-3 control-label" for="ipm-smtp-host">{$_lang.smtp_host|escape}</label>
            <div class="col-sm-4"><input class="form-control" id="ipm-smtp-host" name="smtp_host" value="{$form.smtp_host|default:''|escape}">{include file="admin/field_error.tpl" field="smtp_host"}</div>
        </div>
        <div class="form-group{if isset($errors.smtp_port) || isset($errors.smtp_security)} has-error{/if}">
            <label class="col-sm-3 control-label" for="ipm-smtp-port">{$_lang.smtp_port|escape}</label>
            <div class="col-sm-2"><input class="form-control" id="ipm-smtp-port" name="smtp_port" value="{$form.smtp_port|default:''|escape}" placeholder="587">{include file="admin/field_error.tpl" field="smtp_port"}</div>
            <div class="col-sm-3">
                <select class="form-control" name="smtp_security" id="ipm-smtp-security">
                    {foreach $data.securities as $security}<option value="{$security|escape}"{if $form.smtp_security|default:'' == $security} selected{/if}>{$_lang["security_{$security}"]|escape}</option>{/foreach}
                </select>
                {include file="admin/field_error.tpl" field="smtp_security"}
            </div>
        </div>
        <div class="form-group{if isset($errors.smtp_username)} has-error{/if}">
            <label class="col-sm-3 control-label" for="ipm-smtp-username">{$_lang.smtp_username|escape}</label>
            <div class="col-sm-4"><input class="form-control" id="ipm-smtp-username" name="smtp_username" value="{$form.smtp_username|default:''|escape}" autocomplete="off">{include file="admin/field_error.tpl" field="smtp_username"}</div>
        </div>
        <div class="form-group{if isset($errors.smtp_password)} has-error{/if}">
            <label class="col-sm-3 control-label" for="ipm-smtp-password">{$_lang.smtp_password|escape}</label>
            <div class="col-sm-4"><input class="form-control" type="password" id="ipm-smtp-password" name="smtp_password" value="" autocomplete="new-password" placeholder="{if $data.smtp_password_set}{$_lang.smtp_password_kept|escape}{/if}">{include file="admin/field_error.tpl" field="smtp_password"}</div>
        </div>
        <div class="form-group{if isset($errors.smtp_from)} has-error{/if}">
            <label class="col-sm-3 control-label" for="ipm-smtp-from">{$_lang.smtp_from|escape}</label>
            <div class="col-sm-4"><input class="form-control" id="ipm-smtp-from" name="smtp_from" value="{$form.smtp_from|default:''|escape}" placeholder="IP Manager &lt;alerts@example.com&gt;">{include file="admin/field_error.tpl" field="smtp_from"}</div>
        </div>
    </div>
    <div class="form-group{if isset($errors.alert_recipients)} has-error{/if}">
        <label class="col-sm-3 control-label" for="ipm-recipients">{$_lang.alert_recipients|escape}</label>
        <div class="col-sm-5"><textarea class="form-control" rows="3" id="ipm-recipients" name="alert_recipients">{$form.alert_recipients|default:''|escape}</textarea>
            <span class="help-block">{$_lang.alert_recipients_help|escape}</span>{include file="admin/field_error.tpl" field="alert_recipients"}</div>
    </div>
    <h4>{$_lang.log|escape}</h4>
    <div class="form-group{if isset($errors.log_retention_days)} has-error{/if}">
        <label class="col-sm-3 control-label" for="ipm-retention">{$_lang.log_retention_days|escape}</label>
        <div class="col-sm-2"><input class="form-control" id="ipm-retention" name="log_retention_days" value="{$form.log_retention_days|default:''|escape}"></div>
        <div class="col-sm-5"><span class="help-block">{$_lang.log_retention_help|escape}</span>{include file="admin/field_error.tpl" field="log_retention_days"}</div>
    </div>
    <div class="form-group"><div class="col-sm-offset-3 col-sm-6"><button class="btn btn-primary" id="ipmanager-save-settings">{$_lang.save|escape}</button></div></div>
</form>
<form method="post" action="{$modulelink}&amp;action=settings_test_email" class="form-horizontal">
    <input type="hidden" name="token" value="{$csrfToken|escape}">
    <div class="form-group"><div class="col-sm-offset-3 col-sm-6"><button class="btn btn-default" id="ipmanager-test-email"><i class="fa fa-envelope"></i> {$_lang.send_test_email|escape}</button> <span class="help-block">{$_lang.send_test_email_help|escape}</span></div></div>
</form>

<h3 id="extra-ips">{$_lang.extra_ips_products|escape}</h3>
<p class="text-muted">{$_lang.extra_ips_products_help|escape}</p>
<table class="table table-condensed" id="ipmanager-extra-ips-products">
    {foreach $data.products as $product}
        <tr{if $query.product_id|default:0 == $product[0]} class="info"{/if}>
            <td>{$product[1]|escape}</td>
            <td class="text-right">
                <form method="post" action="{$modulelink}&amp;action=extra_ips_option" style="display:inline">
                    <input type="hidden" name="token" value="{$csrfToken|escape}">
                    <input type="hidden" name="product_id" value="{$product[0]|escape}">
                    <button class="btn btn-xs btn-default">{$_lang.create_option|escape}</button>
                </form>
            </td>
        </tr>
    {/foreach}
</table>
