<?php
// Addon modules are copied into this folder (modules/addons/NAME/NAME.php). This file only keeps
// the folder from being listed.
header('Location: ../../index.php');
