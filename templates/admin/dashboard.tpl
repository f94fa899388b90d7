<div class="row" id="ipmanager-dashboard">
    <div class="col-sm-6 col-md-3">
        <div class="panel panel-default text-center" data-count="subnets">
            <div class="panel-body">
                <div class="h2 ipmanager-count">{$data.subnets|escape}</div>
                <div class="text-muted"><i class="fa fa-sitemap"></i> {$_lang.dashboard_subnets|escape}</div>
            </div>
        </div>
    </div>
    <div class="col-sm-6 col-md-3">
        <div class="panel panel-default text-center" data-count="pools">
            <div class="panel-body">
                <div class="h2 ipmanager-count">{$data.pools|escape}</div>
                <div class="text-muted"><i class="fa fa-database"></i> {$_lang.dashboard_pools|escape}</div>
            </div>
        </div>
    </div>
    <div class="col-sm-6 col-md-3">
        <div class="panel panel-default text-center" data-count="assigned_ips">
            <div class="panel-body">
                <div class="h2 ipmanager-count">{$data.assigned_ips|escape}</div>
                <div class="text-muted"><i class="fa fa-link"></i> {$_lang.dashboard_assigned|escape}</div>
            </div>
        </div>
    </div>
    <div class="col-sm-6 col-md-3">
        <div class="panel panel-default text-center" data-count="free_ips">
            <div class="panel-body">
                <div class="h2 ipmanager-count">{$data.free_ips|escape}</div>
                <div class="text-muted"><i class="fa fa-circle-o"></i> {$_lang.dashboard_free|escape}</div>
            </div>
        </div>
    </div>
</div>
<p class="text-muted small">{$_lang.dashboard_free_hint|escape}</p>
